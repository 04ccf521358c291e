-- wrk script: POST /orders with a fresh client-chosen orderId per request (so each one creates an order).
-- Reads TOKEN, RESTAURANT and ITEMS (the JSON array of the order's items; bench/common.sh's order_items) from the environment.
--
-- wrk shares the 2 cores with the server, so the script costs as little as it can: the request is formatted once with a
-- placeholder of the orderId's length, and each request only puts a new id between the two halves (one string.format).
-- Building the id a hex digit at a time and calling wrk.format per request cost wrk 21 µs of CPU per request in Lua
-- (now 10), taken from the server under test (docs/performance.md, 2026-12-07 fifth session).
local token, restaurant = os.getenv("TOKEN"), os.getenv("RESTAURANT")
local items = assert(os.getenv("ITEMS"), "ITEMS: the order lines, e.g. [{\"menuItemId\":\"…\",\"quantity\":2}]")
math.randomseed(os.time() + os.clock() * 1e6)
local random, format = math.random, string.format
local function uuid() -- version 4, variant a
  return format("%04x%04x-%04x-4%03x-a%03x-%04x%04x%04x", random(0, 65535), random(0, 65535), random(0, 65535),
    random(0, 4095), random(0, 4095), random(0, 65535), random(0, 65535), random(0, 65535))
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local head, tail
request = function()
  if not head then
    local placeholder = string.rep("@", #uuid())
    local template = wrk.format(nil, "/orders", nil,
      '{"orderId":"' .. placeholder .. '","restaurantId":"' .. restaurant .. '","items":' .. items .. '}')
    local at = assert(string.find(template, placeholder, 1, true))
    head, tail = string.sub(template, 1, at - 1), string.sub(template, at + #placeholder)
  end
  return head .. uuid() .. tail
end
