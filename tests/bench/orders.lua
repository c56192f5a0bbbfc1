-- wrk script: places orders through POST /api/v1/orders, each with its own phone number, one to
-- three lines drawn from the seeded SKUs (a tenth of them from a few scarce "hot" variants that
-- sell out during the run). Counts answers by status; `done` prints them for tests/bench/orders.sh.
local threads = {}
local counter = 0
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  placed, sold_out, other = 0, 0, 0
  -- Each run (the script passes its number after --) has its own phone numbers, so no order
  -- repeats one of an earlier run within the duplicate window.
  run = tonumber(args[1]) or 6
end

local function sku()
  if math.random(10) == 1 then
    return string.format("B%d-M", math.random(1, 20))          -- hot: 20 scarce variants
  end
  return string.format("B%d-%s", math.random(21, 1000), ({"S", "M", "L", "XL"})[math.random(4)])
end

request = function()
  counter = counter + 1
  local items = {}
  for i = 1, math.random(3) do
    items[#items + 1] = string.format('{"sku":"%s","quantity":1}', sku())
  end
  local body = string.format(
    '{"items":[%s],"customer":{"name":"Bench","phone":"+91%d%d%08d"},"delivery":{"method":"pickup"},"payment":{"method":"cod"}}',
    table.concat(items, ","), run, tid, counter)
  return wrk.format("POST", "/api/v1/orders", {["Content-Type"] = "application/json"}, body)
end

response = function(status, headers, body)
  if status == 201 then placed = placed + 1
  elseif status == 409 then sold_out = sold_out + 1
  else other = other + 1 end
end

done = function(summary, latency, requests)
  local p, s, o = 0, 0, 0
  for _, t in ipairs(threads) do
    p = p + t:get("placed"); s = s + t:get("sold_out"); o = o + t:get("other")
  end
  io.write(string.format("ANSWERS placed=%d sold_out=%d other=%d\n", p, s, o))
end
