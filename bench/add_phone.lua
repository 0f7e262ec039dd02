-- bench/add_phone.lua - scenarios (a) and (d): add_phone successes, every
-- request with its own extension and login: TAG .. thread id .. counter
-- (TAG ends in a letter, so "a8x" + "1" + "23" never meets "a81x" + ...).
-- Arguments: TAG API_USER API_PASS (d uses the hashed-password user).
expect = "SUCCESS"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

function path_for(n)
   local x = tag .. id .. n
   return "/vicidial/non_agent_api.php?source=bench&function=add_phone"
      .. "&user=" .. api_user .. "&pass=" .. api_pass
      .. "&extension=" .. x .. "&dialplan_number=" .. x .. "&voicemail_id=55000"
      .. "&phone_login=" .. x .. "&phone_pass=test&server_ip=10.0.9.8&protocol=SIP"
      .. "&registration_password=test&phone_full_name=Bench+" .. x
      .. "&local_gmt=-5.00&outbound_cid=7275551212"
end
