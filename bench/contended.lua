-- bench/contended.lua - scenario (e): add_phone under contention.  Every
-- request of a run asks for the same extension and login, so every one
-- takes the same two named locks (db/locks.c) and waits for the others:
-- the first is added, all the rest answer PHONE ALREADY EXISTS ON THIS
-- SERVER after the same checks.  Compare with (a), where no two requests
-- share a lock.
expect = "ERROR: add_phone PHONE ALREADY EXISTS ON THIS SERVER"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

function path_for(n)
   local x = tag .. "c"
   return "/vicidial/non_agent_api.php?source=bench&function=add_phone"
      .. "&user=" .. api_user .. "&pass=" .. api_pass
      .. "&extension=" .. x .. "&dialplan_number=" .. x .. "&voicemail_id=55000"
      .. "&phone_login=" .. x .. "&phone_pass=test&server_ip=10.0.9.8&protocol=SIP"
      .. "&registration_password=test&phone_full_name=Bench+" .. x
      .. "&local_gmt=-5.00&outbound_cid=7275551212"
end
