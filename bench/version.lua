-- bench/version.lua - scenario (c): function=version (no login; one read
-- and the api log rows).
expect = "VERSION:"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

function path_for(n)
   return "/vicidial/non_agent_api.php?source=bench&function=version&user=" .. api_user
end
