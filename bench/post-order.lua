-- wrk script: POST /orders with a fresh client-chosen orderId per request (so each one creates an order).
-- Reads TOKEN, RESTAURANT and the two menu item ids PIZZA and DOLCE from the environment.
local token, restaurant, pizza, dolce = os.getenv("TOKEN"), os.getenv("RESTAURANT"), os.getenv("PIZZA"), os.getenv("DOLCE")
math.randomseed(os.time() + os.clock() * 1e6)
local function hex(n) local s = "" for _ = 1, n do s = s .. string.format("%x", math.random(0, 15)) end return s end
local function uuid() return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12) end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

request = function()
  local body = '{"orderId":"' .. uuid() .. '","restaurantId":"' .. restaurant ..
    '","items":[{"menuItemId":"' .. pizza .. '","quantity":2},{"menuItemId":"' .. dolce .. '","quantity":1}]}'
  return wrk.format(nil, "/orders", nil, body)
end
