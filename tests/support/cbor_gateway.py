#!/usr/bin/env python3
"""Speak Smithy RPC v2 CBOR to the AWS SDK for Rust, and JSON to moto, for tests.

The current aws-sdk-cloudwatch calls CloudWatch in Smithy RPC v2 CBOR (what AWS recommends),
which moto 5.2 does not answer; moto answers CloudWatch's JSON protocol (awsJson1_0), which
the service also speaks. This gateway sits between the two on a loopback port:

- a CBOR request (`POST /service/<Target>/operation/<Op>`, `smithy-protocol: rpc-v2-cbor`)
  is parsed with botocore's own RPC v2 CBOR parser against the operation's input shape,
  serialized again with botocore's JSON serializer, and sent to moto;
- moto's JSON answer is parsed against the output shape and written back as CBOR with
  botocore's CBOR serializer (timestamps as tag 1, as the protocol has them); an error is
  a CBOR map of `__type` and `message` with the same status;
- every other request (RDS, Redshift, the Data API, ...) passes through unchanged, so one
  endpoint serves the whole test world.

Both sides use the service model botocore ships, so the translation is the model's, not
this file's. Usage: cbor_gateway.py MOTO_URL; prints the port it listens on, then serves.
"""

import http.client
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.session
from botocore.parsers import JSONParser, RpcV2CBORParser
from botocore.serialize import JSONSerializer, RpcV2CBORSerializer

SESSION = botocore.session.get_session()
# Services the SDK reaches in CBOR: the service's target prefix -> its model.
MODELS = {}
for name in ("cloudwatch",):
    model = SESSION.get_service_model(name)
    MODELS[model.metadata["targetPrefix"]] = model


def cbor_text(text):
    data = text.encode("utf-8")
    n = len(data)
    if n < 24:
        head = bytes([0x60 | n])
    elif n < 256:
        head = bytes([0x78, n])
    else:
        head = bytes([0x79]) + n.to_bytes(2, "big")
    return head + data


def cbor_error(code, message):
    """A two-entry CBOR map: what an RPC v2 CBOR error body holds."""
    return bytes([0xA2]) + cbor_text("__type") + cbor_text(code) + cbor_text("message") + cbor_text(message)


# How many CBOR calls of each operation were answered (`GET /_gateway/calls`), for tests that
# count the requests a run makes.
CALLS = {}


class Gateway(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    moto = None

    def log_message(self, *args):
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, headers, body):
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _moto(self, method, path, headers, body):
        conn = http.client.HTTPConnection(self.moto.hostname, self.moto.port, timeout=60)
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        out = {k: v for k, v in r.getheaders()}
        conn.close()
        return r.status, out, data

    def _passthrough(self, method):
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        status, out, data = self._moto(method, self.path, headers, self._body())
        self._send(status, out, data)

    def do_GET(self):
        if self.path == "/_gateway/calls":
            body = json.dumps(CALLS).encode()
            return self._send(200, {"Content-Type": "application/json"}, body)
        self._passthrough("GET")

    def do_POST(self):
        parts = self.path.split("/")
        # /service/<Target>/operation/<Op>
        if not (self.headers.get("smithy-protocol") == "rpc-v2-cbor" and len(parts) == 5 and parts[1] == "service"):
            return self._passthrough("POST")
        model = MODELS.get(parts[2])
        if model is None:
            return self._send(400, {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
                              cbor_error("UnknownService", f"no model for {parts[2]}"))
        op = model.operation_model(parts[4])
        CALLS[op.name] = CALLS.get(op.name, 0) + 1
        params = {}
        body = self._body()
        if op.input_shape is not None and body:
            params = RpcV2CBORParser().parse({"body": body, "headers": {}, "status_code": 200}, op.input_shape)
            params.pop("ResponseMetadata", None)
        request = JSONSerializer().serialize_to_request(params, op)
        headers = dict(request["headers"])
        for k in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
            if self.headers.get(k):
                headers[k] = self.headers[k]
        status, out, data = self._moto("POST", "/", headers, request["body"])
        reply = {"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"}
        if status >= 300:
            try:
                err = json.loads(data or b"{}")
            except ValueError:
                err = {}
            code = str(err.get("__type", status)).split("#")[-1]
            message = err.get("message", err.get("Message", data.decode("utf-8", "replace")))
            return self._send(status, reply, cbor_error(code, message))
        payload = b""
        if op.output_shape is not None:
            parsed = JSONParser().parse({"body": data, "headers": out, "status_code": status}, op.output_shape)
            parsed.pop("ResponseMetadata", None)
            buf = bytearray()
            RpcV2CBORSerializer()._serialize_data_item(buf, parsed, op.output_shape)
            payload = bytes(buf)
        self._send(200, reply, payload)


def main():
    Gateway.moto = urllib.parse.urlparse(sys.argv[1])
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
