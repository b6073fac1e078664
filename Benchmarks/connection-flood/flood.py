"""A connection flood against a running coordinator while one enrolled operator keeps calling it.

Phases (each --seconds long): no flood; a flood of --connections sockets from one address
(127.0.0.2); the same number spread over 16 addresses (127.0.0.2-17). Half the flood's sockets
say nothing, half send the first bytes of a TLS ClientHello and stall; every socket the
coordinator closes is opened again at once, so the flood stays at full size. The operator calls
Operator/GetStatus back to back over one connection opened before the flood, and once a second
over a fresh connection. Prints one JSON line per phase.
"""
import argparse, json, os, resource, selectors, socket, threading, time
import grpc

PARTIAL_CLIENT_HELLO = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])


def rss_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Flood:
    def __init__(self, port, count, sources):
        self.port, self.count, self.sources = port, count, sources
        self.stop = threading.Event()
        self.opened = self.closed_by_server = self.failed = 0
        self.sel = selectors.DefaultSelector()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def open_one(self, i):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((self.sources[i % len(self.sources)], 0))
            s.connect(("127.0.0.1", self.port))
            if i % 2:
                s.send(PARTIAL_CLIENT_HELLO)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, i)
            self.opened += 1
        except OSError:
            s.close()
            self.failed += 1
            time.sleep(0.001)

    def run(self):
        for i in range(self.count):
            self.open_one(i)
        while not self.stop.is_set():
            for key, _ in self.sel.select(timeout=0.1):
                s, i = key.fileobj, key.data
                try:
                    data = s.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    self.sel.unregister(s)
                    s.close()
                    self.closed_by_server += 1
                    if not self.stop.is_set():
                        self.open_one(i)
        for key in list(self.sel.get_map().values()):
            key.fileobj.close()

    def open_now(self):
        return len(self.sel.get_map())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--kit", required=True)
    p.add_argument("--connections", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=15)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    read = lambda name: open(os.path.join(a.kit, "operator", name), "rb").read()
    creds = grpc.ssl_channel_credentials(read("ca.crt"), read("operator.key"), read("operator.crt"))
    options = [("grpc.ssl_target_name_override", "localhost")]
    target = f"127.0.0.1:{a.port}"
    method = "/concord.v2.Operator/GetStatus"

    def call(channel):
        try:
            channel.unary_unary(method)(b"", timeout=10)
            return "OK"
        except grpc.RpcError as e:
            return e.code().name

    channel = grpc.secure_channel(target, creds, options)
    print(json.dumps({"warm-up": call(channel)}), flush=True)

    phases = [("no flood", None), (f"{a.connections} from one address", ["127.0.0.2"]),
              (f"{a.connections} from 16 addresses", [f"127.0.0.{i}" for i in range(2, 18)])]
    for name, sources in phases:
        flood = Flood(a.port, a.connections, sources) if sources else None
        if flood:
            flood.thread.start()
            time.sleep(2)
        codes, fresh, latencies = {}, {}, []
        start = time.monotonic()
        next_fresh = start
        peak_rss = 0
        while time.monotonic() - start < a.seconds:
            t = time.monotonic()
            code = call(channel)
            latencies.append(time.monotonic() - t)
            codes[code] = codes.get(code, 0) + 1
            if t >= next_fresh:
                next_fresh += 1
                with grpc.secure_channel(target, creds, options) as c:
                    r = call(c)
                fresh[r] = fresh.get(r, 0) + 1
            if len(latencies) % 200 == 0:
                peak_rss = max(peak_rss, rss_kib(a.pid, "VmRSS"))
        elapsed = time.monotonic() - start
        latencies.sort()
        result = {"phase": name, "calls_per_s": round(len(latencies) / elapsed, 1), "codes": codes,
                  "p50_ms": round(1000 * latencies[len(latencies) // 2], 2), "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 2),
                  "fresh_connections": fresh, "coordinator_rss_mib": round(max(peak_rss, rss_kib(a.pid, "VmRSS")) / 1024, 1),
                  "coordinator_fds": len(os.listdir(f"/proc/{a.pid}/fd"))}
        if flood:
            result.update({"flood_open": flood.open_now(), "flood_closed_by_server": flood.closed_by_server,
                           "flood_reconnects_per_s": round(flood.closed_by_server / (elapsed + 2), 1), "flood_connect_failures": flood.failed})
            flood.stop.set()
            flood.thread.join()
            time.sleep(1)
        print(json.dumps(result), flush=True)
    print(json.dumps({"coordinator_peak_rss_mib": round(rss_kib(a.pid, "VmHWM") / 1024, 1)}), flush=True)


if __name__ == "__main__":
    main()
