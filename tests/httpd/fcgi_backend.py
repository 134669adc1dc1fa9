#!/usr/bin/env python3
"""A minimal FastCGI responder for the httpd suite (stdlib only): it answers every
request with its own CORS headers, as a PHP-FPM application that sets them would.

    fcgi_backend.py PORT
"""
import socket
import struct
import sys
import threading

BEGIN, END, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6

BODY = (b"Status: 200 OK\r\n"
        b"Content-Type: application/json\r\n"
        b"Access-Control-Allow-Origin: *\r\n"
        b"Access-Control-Allow-Headers: *\r\n"
        b"Vary: Accept\r\n"
        b"\r\n"
        b'{"fastcgi": true}\n')


def read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def record(rtype, req_id, content):
    return struct.pack("!BBHHBx", 1, rtype, req_id, len(content), 0) + content


def serve(conn):
    try:
        with conn:
            while True:
                _, rtype, req_id, length, pad = struct.unpack("!BBHHBx", read_exact(conn, 8))
                read_exact(conn, length + pad)
                if rtype == STDIN and length == 0:
                    conn.sendall(record(STDOUT, req_id, BODY) + record(STDOUT, req_id, b"")
                                 + record(END, req_id, struct.pack("!IB3x", 0, 0)))
                    return
    except (EOFError, OSError):
        pass


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
