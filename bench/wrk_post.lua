-- wrk script for bench/wrk.sh: one POST, its body in WRK_BODY and its headers in
-- WRK_HEADERS ("Name: value" lines), sent unchanged on every request.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
for line in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
