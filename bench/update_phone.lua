-- bench/update_phone.lua - the side-by-side update_phone scenario: each
-- request updates one of the fixture's phones (extension and login u1 ..
-- uN on 10.0.9.8, N from BENCH_UPDATE_PHONES, which bench/side.sh loads),
-- in turn, with a full name and a caller id that change from request to
-- request, so that every UPDATE changes its row.
expect = "SUCCESS: update_phone PHONE HAS BEEN UPDATED"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

local phones = tonumber(os.getenv("BENCH_UPDATE_PHONES") or "1000")

function path_for(n)
   local x = "u" .. ((n - 1) % phones + 1)
   return "/vicidial/non_agent_api.php?source=bench&function=update_phone"
      .. "&user=" .. api_user .. "&pass=" .. api_pass
      .. "&extension=" .. x .. "&server_ip=10.0.9.8"
      .. "&phone_full_name=Bench+" .. tag .. id .. "+" .. n
      .. "&outbound_cid=72755" .. string.format("%05d", n % 100000)
end
