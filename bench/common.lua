-- bench/common.lua - shared by the wrk scripts in bench/ (loaded with dofile
-- from each one, in every wrk thread and in wrk's setup/done environment).
--
-- Each script sets `expect` (the prefix of a correct answer) and `path_for(n)`
-- (the request path of this thread's n-th request) before loading this file.
-- Script arguments (after wrk's "--"): TAG API_USER API_PASS.
--
-- done() prints one line that bench/run.sh parses:
--   BENCHRESULT requests=.. duration_us=.. rps=.. p50_ms=.. p99_ms=.. max_ms=..
--               ok=.. other=.. non2xx=.. status_gt399=.. connect_err=.. read_err=..
--               write_err=.. timeouts=..
-- ok counts answers starting with `expect`, other the rest; BENCHSAMPLE shows
-- the first other answer.  add_phone_path(x) builds the add_phone URL of (a),
-- (d) and (e).

local threads = {}

function setup(thread)
   -- wrk's threads get ids 0, 1, ...: with a per-thread counter, no two
   -- requests of a run share an extension or a login.
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   tag = args[1] or "x"
   api_user = args[2] or "6666"
   api_pass = args[3] or "1234"
   n = 0
   ok = 0
   other = 0
   non2xx = 0
   sample = ""
end

-- An add_phone of extension and login x on server 10.0.9.8 ((a), (d), (e)).
function add_phone_path(x)
   return "/vicidial/non_agent_api.php?source=bench&function=add_phone"
      .. "&user=" .. api_user .. "&pass=" .. api_pass
      .. "&extension=" .. x .. "&dialplan_number=" .. x .. "&voicemail_id=55000"
      .. "&phone_login=" .. x .. "&phone_pass=test&server_ip=10.0.9.8&protocol=SIP"
      .. "&registration_password=test&phone_full_name=Bench+" .. x
      .. "&local_gmt=-5.00&outbound_cid=7275551212"
end

function request()
   n = n + 1
   return wrk.format("GET", path_for(n))
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
   end
   if body ~= nil and body:sub(1, #expect) == expect then
      ok = ok + 1
   else
      other = other + 1
      if sample == "" then
         sample = string.format("%d %s", status, (body or ""):sub(1, 200))
      end
   end
end

function done(summary, latency, requests)
   local tok, tother, tnon2xx, smp = 0, 0, 0, ""
   for _, t in ipairs(threads) do
      tok = tok + (t:get("ok") or 0)
      tother = tother + (t:get("other") or 0)
      tnon2xx = tnon2xx + (t:get("non2xx") or 0)
      local s = t:get("sample")
      if smp == "" and s ~= nil and s ~= "" then
         smp = s
      end
   end
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format(
      "BENCHRESULT requests=%d duration_us=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f"
      .. " ok=%d other=%d non2xx=%d status_gt399=%d connect_err=%d read_err=%d"
      .. " write_err=%d timeouts=%d\n",
      summary.requests, summary.duration, summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
      tok, tother, tnon2xx, e.status, e.connect, e.read, e.write, e.timeout))
   if smp ~= "" then
      io.write("BENCHSAMPLE " .. (smp:gsub("\n", "\\n")) .. "\n")
   end
end
