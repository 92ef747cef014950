#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# vga.py - the screen and keyboard side of the menu suite's VGA cases
# (tests/menu/menu-tests.sh): a small QMP client, with nothing beyond
# Python's standard library (python3 is in the project's packages).
#
#   vga.py SOCKET keys KEY...         press and release each KEY (QEMU's
#                                     sendkey names: down, ret, e, spc,
#                                     minus, equal, ...) one after the other
#   vga.py SOCKET screendump FILE     the screen as QEMU draws it, a PPM
#   vga.py SOCKET text FILE           SeaBIOS's text mode: the 80x25
#                                     characters at 0xb8000 (every other
#                                     byte; the rest are colours), as 25
#                                     lines in FILE
#   vga.py diff A.ppm B.ppm           the box the pixels that differ
#                                     between two PPMs of one size fill:
#                                     "X0 Y0 X1 Y1" (X1, Y1 exclusive), or
#                                     "same"; also the size, "W H", first
#   vga.py png IN.ppm OUT.png         a PPM as PNG (the README's screenshot)
#
# A failure is one line on stderr, `vga.py: what failed: detail`, and exit
# status 1. Each call to SOCKET connects anew: QEMU's QMP server
# (-qmp unix:SOCKET,server=on,wait=off) takes one client at a time and the
# next one once it has gone.
import json
import os
import socket
import struct
import sys
import time
import zlib

PROG = "vga.py"
# Between two keys: the firmware's keyboard buffer holds 15 (SeaBIOS) and
# the loader reads it between draws; 0.1 s keeps well under both.
KEY_GAP_S = 0.1


def die(msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(1)


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        try:
            self.sock.connect(path)
        except OSError as e:
            die(f"cannot connect to QMP socket {path}: {e.strerror}")
        self.buf = b""
        self.read()  # the greeting
        self.execute("qmp_capabilities")

    def read(self):
        while b"\n" not in self.buf:
            try:
                data = self.sock.recv(65536)
            except OSError as e:
                die(f"QMP read failed: {e}")
            if not data:
                die("QMP read failed: QEMU closed the socket")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self.read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                die(f"QMP {cmd} failed: {reply['error'].get('desc')}")
            # Anything else is an asynchronous event: not ours.

    def hmp(self, line):
        return self.execute("human-monitor-command", **{"command-line": line})


def read_ppm(path):
    """(width, height, RGB bytes) of a binary PPM (P6, maxval 255), as
    QEMU's screendump writes it."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die(f"{path}: cannot read: {e.strerror}")
    fields = []
    pos = 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        if end == pos:
            die(f"{path}: not a PPM: the header ends early")
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        die(f"{path}: not a PPM as screendump writes it (P6, 255)")
    w, h = int(fields[1]), int(fields[2])
    pix = data[pos:pos + w * h * 3]
    if len(pix) != w * h * 3:
        die(f"{path}: {len(pix)} bytes of pixels, not {w}x{h}x3")
    return w, h, pix


def diff(a, b):
    wa, ha, pa = read_ppm(a)
    wb, hb, pb = read_ppm(b)
    if (wa, ha) != (wb, hb):
        die(f"{b}: {wb}x{hb}, not the {wa}x{ha} of {a}")
    print(wa, ha)
    row = wa * 3
    ys = [y for y in range(ha) if pa[y * row:(y + 1) * row] !=
          pb[y * row:(y + 1) * row]]
    if not ys:
        print("same")
        return
    x0, x1 = wa, 0
    for y in ys:
        ra, rb = pa[y * row:(y + 1) * row], pb[y * row:(y + 1) * row]
        for x in range(wa):
            if ra[x * 3:x * 3 + 3] != rb[x * 3:x * 3 + 3]:
                x0 = min(x0, x)
                break
        for x in range(wa - 1, -1, -1):
            if ra[x * 3:x * 3 + 3] != rb[x * 3:x * 3 + 3]:
                x1 = max(x1, x + 1)
                break
    print(x0, ys[0], x1, ys[-1] + 1)


def png(src, dst):
    w, h, pix = read_ppm(src)
    raw = b"".join(b"\0" + pix[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body)))

    out = (b"\x89PNG\r\n\x1a\n" +
           chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    tmp = dst + ".tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(out)
        os.replace(tmp, dst)
    except OSError as e:
        die(f"{dst}: cannot write: {e.strerror}")


def text(q, path):
    # pmemsave writes the file itself, from QEMU: an absolute path.
    raw = os.path.abspath(path) + ".raw"
    q.execute("pmemsave", val=0xb8000, size=80 * 25 * 2, filename=raw)
    with open(raw, "rb") as f:
        data = f.read()
    os.unlink(raw)
    if len(data) != 80 * 25 * 2:
        die(f"{raw}: {len(data)} bytes, not the 4000 of 80x25 text")
    chars = bytes(c if 32 <= c < 127 else 32 for c in data[0::2])
    with open(path, "w") as f:
        for r in range(25):
            f.write(chars[r * 80:(r + 1) * 80].decode().rstrip() + "\n")


def main(argv):
    if len(argv) == 4 and argv[1] == "diff":
        return diff(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "png":
        return png(argv[2], argv[3])
    if len(argv) < 3:
        die("usage: vga.py SOCKET keys KEY... | SOCKET screendump FILE | "
            "SOCKET text FILE | diff A B | png IN OUT")
    q = Qmp(argv[1])
    cmd, args = argv[2], argv[3:]
    if cmd == "keys":
        for i, k in enumerate(args):
            if i:
                time.sleep(KEY_GAP_S)
            out = q.hmp(f"sendkey {k}")
            # HMP answers an error as text, a sendkey that worked with none.
            if out.strip():
                die(f"sendkey {k} failed: {out.strip()}")
    elif cmd == "screendump" and len(args) == 1:
        q.execute("screendump", filename=os.path.abspath(args[0]))
    elif cmd == "text" and len(args) == 1:
        text(q, args[0])
    else:
        die(f"unknown command or arguments: {' '.join(argv[2:])}")


if __name__ == "__main__":
    main(sys.argv)
