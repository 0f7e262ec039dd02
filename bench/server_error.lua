-- bench/server_error.lua - scenario (b): add_phone's SERVER DOES NOT EXIST
-- error path (server_ip=10.9.9.9 is a value looked up in the `servers`
-- table, never an address anything connects to).  It authenticates, checks
-- the permission and the server, and writes only the login stamp and the
-- api log rows.
expect = "ERROR: add_phone SERVER DOES NOT EXIST"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

function path_for(n)
   return "/vicidial/non_agent_api.php?source=bench&function=add_phone"
      .. "&user=" .. api_user .. "&pass=" .. api_pass
      .. "&extension=77001&dialplan_number=77001&voicemail_id=77001&phone_login=77001"
      .. "&phone_pass=test&server_ip=10.9.9.9&protocol=SIP&registration_password=test"
      .. "&phone_full_name=Bench+error&local_gmt=-5.00&outbound_cid=7275551212"
end
