-- wrk script: GET /search rotating through the queries in the file named after `--` (one per
-- line, already URL-encoded), each thread starting at its own place in the list.
local id = 0

function setup(thread)
  id = id + 1
  thread:set("tid", id)
end

function init(args)
  queries = {}
  for line in io.lines(args[1]) do
    queries[#queries + 1] = line
  end
  n = (tid or 1) * 37
end

request = function()
  n = n + 1
  return wrk.format("GET", "/search?q=" .. queries[(n % #queries) + 1])
end
