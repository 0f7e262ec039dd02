-- bench/add_phone.lua - scenarios (a) and (d): add_phone successes, every
-- request with its own extension and login: TAG .. thread id .. counter
-- (TAG ends in a letter, so "a8x" + "1" + "23" never meets "a81x" + ...).
-- Arguments: TAG API_USER API_PASS (d uses the hashed-password user).
expect = "SUCCESS"
dofile((os.getenv("BENCH_LUA_DIR") or "bench") .. "/common.lua")

function path_for(n)
   local x = tag .. id .. n
   return add_phone_path(x)
end
