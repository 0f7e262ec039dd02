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
   return add_phone_path(x)
end
