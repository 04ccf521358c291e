"""A stand-in for Parameter Store's GetParameters on 127.0.0.1 (bench/coldstart-aws.sh): the secrets a function reads
at start-up (Tavolo__Secrets__Store=ssm), from the files named on the command line as name=path. Prints its port."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

values = {}
for arg in sys.argv[1:]:
    name, path = arg.split("=", 1)
    with open(path) as f:
        values[name] = f.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        found = [{"Name": n, "Type": "SecureString", "Value": values[n], "Version": 1} for n in body["Names"] if n in values]
        answer = json.dumps({"Parameters": found, "InvalidParameters": [n for n in body["Names"] if n not in values]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
