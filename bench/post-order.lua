-- wrk script: POST /orders with a fresh client-chosen orderId per request (so each one creates an order).
-- Reads TOKEN, RESTAURANT and ITEMS (the JSON array of the order's items; bench/common.sh's order_items) from the environment.
local token, restaurant = os.getenv("TOKEN"), os.getenv("RESTAURANT")
local items = assert(os.getenv("ITEMS"), "ITEMS: the order lines, e.g. [{\"menuItemId\":\"…\",\"quantity\":2}]")
math.randomseed(os.time() + os.clock() * 1e6)
local function hex(n) local s = "" for _ = 1, n do s = s .. string.format("%x", math.random(0, 15)) end return s end
local function uuid() return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12) end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local body = '{"orderId":"' .. uuid() .. '","restaurantId":"' .. restaurant .. '","items":' .. items .. '}'
  return wrk.format(nil, "/orders", nil, body)
end
