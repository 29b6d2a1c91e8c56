#!/usr/bin/python3
"""Time a terminal program as a person sees it: from exec to a text on the
screen, then from a key to the screen's answer. The program runs in a real
pseudo-terminal; its output goes through pyte (a VT100 emulator), so a text
counts as shown only once it is on the emulated screen, whatever escape
sequences drew it. The time taken is when the bytes that put it there were
read from the terminal: pyte, in Python, takes 2-3 ms to parse a 3 KB
frame that a terminal parses in microseconds, which would count against
programs by the size of their frames rather than their speed. Usage:

  latency.py --runs 20 --size 100x30 --start REGEX [--key K --answer REGEX]... -- CMD ARGS...

Prints one line per run: start_ms key1_ms key2_ms ...
"""
import argparse, fcntl, os, pty, random, re, select, struct, sys, termios, time

import pyte


def screen_text(screen):
    return "\n".join(screen.display)


def wait_for(fd, stream, screen, pattern, deadline):
    """Reads the program's output until pattern is on the screen; returns
    when the bytes that put it there arrived (None if they never did)."""
    rx = re.compile(pattern)
    arrived = time.monotonic()
    while True:
        if rx.search(screen_text(screen)):
            return arrived
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            return None
        if not data:
            return None
        arrived = time.monotonic()
        stream.feed(data)


def drain(fd, stream, quiet=0.05):
    """Reads until the program has been quiet for a while."""
    while True:
        ready, _, _ = select.select([fd], [], [], quiet)
        if not ready:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        stream.feed(data)


def one_run(cmd, cols, rows, start, steps, env):
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    times = []
    try:
        shown = wait_for(fd, stream, screen, start, t0 + 10)
        if shown is None:
            sys.exit("never showed %r:\n%s" % (start, screen_text(screen)))
        times.append((shown - t0) * 1000)
        for key, answer in steps:
            drain(fd, stream)  # let the previous frame settle
            # A person's key comes at any moment. drain ends 50 ms after the
            # last output, which is six frames of a renderer drawing at 120
            # frames a second: without this, every key came just after a
            # frame was drawn, the worst moment for such a program.
            time.sleep(random.uniform(0, 0.010))
            t1 = time.monotonic()
            os.write(fd, key.encode())
            shown = wait_for(fd, stream, screen, answer, t1 + 10)
            if shown is None:
                sys.exit("key %r never showed %r:\n%s" % (key, answer, screen_text(screen)))
            times.append((shown - t1) * 1000)
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--size", default="100x30")
    ap.add_argument("--start", required=True)
    ap.add_argument("--key", action="append", default=[])
    ap.add_argument("--answer", action="append", default=[])
    ap.add_argument("cmd", nargs="+")
    a = ap.parse_args()
    cols, rows = map(int, a.size.split("x"))
    env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(cols), LINES=str(rows))
    for _ in range(a.runs):
        t = one_run(a.cmd, cols, rows, a.start, list(zip(a.key, a.answer)), env)
        print(" ".join("%.1f" % x for x in t), flush=True)


if __name__ == "__main__":
    main()
