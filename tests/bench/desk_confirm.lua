-- wrk script: confirms pending orders through the order desk's form (POST
-- /admin/orders/{code}/status, to=confirmed), each request as one of the signed-in sessions (its
-- cookies and CSRF token), each order once. Arguments after `--`: the sessions file (one
-- "cookie<TAB>token" line per session), the file of pending order codes (one per line) and the
-- number of wrk threads. Thread t takes every t-th code and its own share of the sessions. `done`
-- prints the answers for tests/bench/desk.sh.
local threads = {}
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[3])
  local sessions = {}
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^(.-)\t(.*)$")
    table.insert(sessions, {cookie = cookie, token = token})
  end
  mine = {}
  for j = tid, #sessions, nthreads do
    table.insert(mine, sessions[j])
  end
  codes = {}
  local i = 0
  for line in io.lines(args[2]) do
    if i % nthreads == tid - 1 then
      table.insert(codes, line)
    end
    i = i + 1
  end
  next_code, next_session = 0, 0
  confirmed, other, exhausted = 0, 0, 0
end

request = function()
  next_code = next_code + 1
  local code = codes[next_code]
  if code == nil then
    -- Out of pending orders: asks for one that does not exist (a 404, counted apart).
    exhausted = exhausted + 1
    code = "NONE-" .. next_code
  end
  next_session = next_session % #mine + 1
  local s = mine[next_session]
  return wrk.format("POST", "/admin/orders/" .. code .. "/status",
    {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = s.cookie},
    "csrf=" .. s.token .. "&to=confirmed")
end

response = function(status, headers, body)
  if status == 303 then
    confirmed = confirmed + 1
  else
    other = other + 1
  end
end

done = function(summary, latency, requests)
  local c, o, e = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("confirmed"); o = o + t:get("other"); e = e + t:get("exhausted")
  end
  io.write(string.format("ANSWERS confirmed=%d other=%d exhausted=%d\n", c, o, e))
end
