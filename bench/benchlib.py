"""Shared by the benchmarks in bench/: scratch directories, processes pinned to cores,
ntmd with a generated plan, nginx, wrk, postfix's smtp-sink, a systemd notify socket,
medians. Each benchmark prints `name=value` lines on stdout and `# ...` notes.

Environment: BUILD (default build), BENCH_ROUNDS (A/B rounds, default 3),
BENCH_SERVER_CPU (1) and BENCH_LOAD_CPU (0): the server under test runs on one core,
the load generator (wrk, the SMTP sink, this script) on the other; KEEP=1 keeps the
scratch directories.
"""
import atexit
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
NTMD = os.path.join(BUILD, "ntmd")
NTMCTL = os.path.join(BUILD, "ntmctl")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SERVER_CPU = os.environ.get("BENCH_SERVER_CPU", "1")
LOAD_CPU = os.environ.get("BENCH_LOAD_CPU", "0")
ZONE = "+07:00"

_procs = []
_dirs = []


def _cleanup():
    for p in reversed(_procs):
        stop(p, timeout=5)
    if not os.environ.get("KEEP"):
        for d in _dirs:
            shutil.rmtree(d, ignore_errors=True)
    elif _dirs:
        print("# kept " + " ".join(_dirs), flush=True)


def setup():
    """Pins this script to the load core; cleans up on exit and on SIGTERM/SIGINT."""
    atexit.register(_cleanup)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(130))
    os.sched_setaffinity(0, {int(LOAD_CPU)})
    for tool in (NTMD, NTMCTL):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} is missing: make BUILD={os.path.basename(BUILD)} all")


def emit(name, value):
    if isinstance(value, float):
        value = f"{value:.4g}" if abs(value) < 1e6 else f"{value:.0f}"
    print(f"{name}={value}", flush=True)


def note(text):
    print("# " + text, flush=True)


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def percentile(xs, p):
    """Nearest-rank percentile of xs (p in 0..100)."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def ratio(a, b):
    return a / b if b else float("inf")


def workdir(name):
    d = tempfile.mkdtemp(prefix=f"ntmd-bench-{name}-")
    os.chmod(d, 0o755)		# nginx workers and smtp-sink run as nobody
    _dirs.append(d)
    return d


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(cmd, cpu=None, env=None, **kw):
    """Starts cmd (pinned to cpu if given); it is stopped when the script exits."""
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + list(cmd)
    full = dict(os.environ)
    full.update(env or {})
    p = subprocess.Popen(cmd, env=full, start_new_session=True, **kw)
    _procs.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=10):
    if p.poll() is None:
        try:
            p.send_signal(sig)
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _procs:
        _procs.remove(p)


def wait_until(fn, timeout, what, step=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)
    raise SystemExit(f"bench: timed out after {timeout} s waiting for {what}")


def get(url, headers=None, timeout=300):
    """One GET on a new connection: (status, headers dict lower-cased, body, seconds)."""
    m = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    t0 = time.perf_counter()
    c = http.client.HTTPConnection(m.group(1), int(m.group(2)), timeout=timeout)
    try:
        c.request("GET", m.group(3), headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body, \
            time.perf_counter() - t0
    finally:
        c.close()


def healthy(url):
    try:
        return get(url, timeout=2)[0] == 200
    except OSError:
        return False


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vm_hwm_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


# ---- ntmd ----------------------------------------------------------------------------

def write_config(d, calendars, http_port, smtp_url, lead_days="[7]", send_at="07:30",
                 smtp_extra=""):
    path = os.path.join(d, "ntmd.conf")
    cals = ", ".join(f'"{c}"' for c in calendars)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"""database = "{d}/ntmd.db";
calendars = [ {cals} ];
catalogs = [ "{TOP}/config/catalogs/*.conf" ];
holidays = [ "{TOP}/config/holidays/*.conf" ];
timezone = "Asia/Ho_Chi_Minh";
http = {{ listen = "127.0.0.1:{http_port}"; base_url = "http://127.0.0.1:{http_port}"; }};
smtp = {{ url = "{smtp_url}"; from = "NTM Bench <ntm@bench.example>"; starttls = "never";{smtp_extra} }};
reminders = {{ lead_days = {lead_days}; send_at = "{send_at}"; }};
""")
    return path


def _q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_plan(path, code, year, units, tasks, per_section=50):
    """A plan file: units [(code, name, kind, email or None)], tasks [dict(title, lead,
    support, when, kind, latest)], per_section tasks a section."""
    out = [f"plan = {{ code = {_q(code)}; org = {{ code = \"bench\"; "
           f"name = \"Ủy ban nhân dân tỉnh Thử Nghiệm\"; }};",
           f"  title = \"Kế hoạch thử hiệu năng {code}\"; year = {year}; }};", "units = ("]
    for i, (ucode, name, kind, email) in enumerate(units):
        mail = f" emails = [ {_q(email)} ];" if email else ""
        sep = "," if i < len(units) - 1 else ""
        out.append(f"  {{ code = {_q(ucode)}; name = {_q(name)}; kind = {_q(kind)};{mail} }}{sep}")
    out.append(");")
    out.append("sections = (")
    nsec = (len(tasks) + per_section - 1) // per_section
    for s in range(nsec):
        chunk = tasks[s * per_section:(s + 1) * per_section]
        out.append(f"  {{ id = \"{s + 1}\"; title = \"Nhiệm vụ nhóm {s + 1}\"; tasks = (")
        for i, t in enumerate(chunk):
            keys = [f"id = \"{i + 1}\"", f"title = {_q(t['title'])}",
                    "lead = [ " + ", ".join(_q(u) for u in t["lead"]) + " ]"]
            if t.get("support"):
                keys.append("support = [ " + ", ".join(_q(u) for u in t["support"]) + " ]")
            for k in ("when", "kind", "latest", "product"):
                if t.get(k):
                    keys.append(f"{k} = {_q(t[k])}")
            sep = "," if i < len(chunk) - 1 else ""
            out.append("    { " + "; ".join(keys) + "; }" + sep)
        out.append("  ) }" + ("," if s < nsec - 1 else ""))
    out.append(");")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def one_task_plan(d, n, year=2024, due="30/5/2024", code="bench-mail"):
    """n communes, each leading one deadline: n mails at the same instant."""
    units = [(f"xa-{i:04d}", f"Ủy ban nhân dân xã Thử Nghiệm số {i}", "commune",
              f"xa{i:04d}@bench.example") for i in range(1, n + 1)]
    tasks = [{"title": f"Hoàn thành hồ sơ đề nghị công nhận xã đạt chuẩn nông thôn mới "
              f"của xã số {i}", "lead": [f"xa-{i:04d}"], "when": f"chậm nhất {due}"}
             for i in range(1, n + 1)]
    path = os.path.join(d, f"{code}.conf")
    write_plan(path, code, year, units, tasks)
    return path


FEED_UNIT = "phong-nn"
SUBJECTS = ["tiêu chí số 2 về Giao thông", "tiêu chí số 17 về Môi trường và an toàn thực phẩm",
            "tiêu chí số 13 về Tổ chức sản xuất và phát triển kinh tế nông thôn",
            "Chương trình mỗi xã một sản phẩm (OCOP)", "công tác giảm nghèo bền vững",
            "vốn đầu tư công và vốn lồng ghép thực hiện Chương trình"]


def feed_plan(d):
    """A province department leading 25 monthly reports (300 occurrences), each with
    helpers, a latest day and an expected product, as the seeds' reporting regime."""
    units = [(FEED_UNIT, "Sở Nông nghiệp và Môi trường tỉnh Thử Nghiệm", "department",
              "snnmt@bench.example")]
    units += [(f"so-{i:02d}", f"Sở ngành số {i} tỉnh Thử Nghiệm", "department",
               f"so{i:02d}@bench.example") for i in range(1, 13)]
    tasks = []
    for i in range(25):
        subj = SUBJECTS[i % len(SUBJECTS)]
        tasks.append({
            "title": f"Báo cáo kết quả thực hiện {subj} trên địa bàn tỉnh (nội dung {i + 1})",
            "lead": [FEED_UNIT], "support": [f"so-{(i + k) % 12 + 1:02d}" for k in range(3)],
            "kind": "report", "when": "ngày 10 hàng tháng", "latest": "ngày 15 hàng tháng",
            "product": f"Báo cáo tháng về {subj} gửi Văn phòng Điều phối nông thôn mới tỉnh"})
    path = os.path.join(d, "bench-feed.conf")
    write_plan(path, "bench-feed", 2024, units, tasks)
    return path


def accepts(conf):
    """Whether ntmd -n takes a config (a key older builds do not know, for example)."""
    return subprocess.run([NTMD, "-n", "-c", conf], capture_output=True).returncode == 0


def ctl(conf, *args, now=None, check=True):
    env = dict(os.environ)
    if now:
        env["NTM_NOW"] = now
    p = subprocess.run([NTMCTL, "-c", conf] + list(args), env=env, capture_output=True,
                       text=True)
    if check and p.returncode != 0:
        raise SystemExit(f"bench: ntmctl {' '.join(args)} failed ({p.returncode}):\n"
                         + p.stderr[-2000:])
    return p.stdout


def start_ntmd(conf, http_port, now, notify=None, watchdog_usec=None, log=None, started=None,
               ready=None):
    """ntmd on the server core with its clock at now; returns once /healthz answers.
    With notify, NOTIFY_SOCKET (and WATCHDOG_USEC, WATCHDOG_PID) are set as systemd
    sets them: a shell exports its own pid and execs taskset, which execs ntmd.
    started(pid) is called as soon as it runs (ntmd may send before it serves); ready(),
    when given, says it is up instead of /healthz (which a blocked ntmd does not answer)."""
    env = {"NTM_NOW": now}
    cmd = ["taskset", "-c", SERVER_CPU, NTMD, "-c", conf]
    if notify:
        env["NOTIFY_SOCKET"] = notify
        if watchdog_usec:
            env["WATCHDOG_USEC"] = str(watchdog_usec)
            cmd = ["sh", "-c", 'WATCHDOG_PID=$$; export WATCHDOG_PID; exec "$@"', "sh"] + cmd
    logf = open(log or os.devnull, "ab")
    p = spawn(cmd, env=env, stdout=logf, stderr=logf)
    if started:
        started(p.pid)
    url = f"http://127.0.0.1:{http_port}/healthz"

    def up():
        if p.poll() is not None:
            raise SystemExit(f"bench: ntmd exited with {p.returncode}" +
                             (f"; see {log}" if log else ""))
        return ready() if ready else healthy(url)
    wait_until(up, 600, "ntmd to be ready", step=0.1)
    return p


# ---- references and load -------------------------------------------------------------

def start_nginx(d, port, root):
    """nginx, one worker, on the server core, serving root with its own ETags."""
    conf = os.path.join(d, "nginx.conf")
    for sub in ("nginx-tmp",):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path {d}/nginx-tmp/body;
  proxy_temp_path {d}/nginx-tmp/proxy;
  fastcgi_temp_path {d}/nginx-tmp/fastcgi;
  uwsgi_temp_path {d}/nginx-tmp/uwsgi;
  scgi_temp_path {d}/nginx-tmp/scgi;
  types {{ }}
  default_type "text/calendar; charset=utf-8";
  server {{ listen 127.0.0.1:{port}; root {root}; }}
}}
""")
    p = spawn(["nginx", "-p", d, "-c", conf, "-e", f"{d}/nginx-error.log"], cpu=SERVER_CPU,
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until(lambda: healthy_any(f"http://127.0.0.1:{port}/"), 10, "nginx")
    return p


def healthy_any(url):
    try:
        get(url, timeout=2)
        return True
    except OSError:
        return False


def wrk(url, headers=(), seconds=5, conns=16):
    """wrk -t1 -cCONNS on the load core: requests/s, p50 and p99 latency (ms), errors."""
    cmd = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{conns}", f"-d{seconds}s",
           "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    r = {"rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
         "errors": 0}
    for key, pat in (("p50", r"\s50%\s+([\d.]+)(us|ms|s)"), ("p99", r"\s99%\s+([\d.]+)(us|ms|s)")):
        m = re.search(pat, out)
        r[key] = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)] if m else float("nan")
    for pat in (r"Non-2xx or 3xx responses:\s*(\d+)", r"Socket errors:.*?(\d+)"):
        m = re.search(pat, out)
        if m:
            r["errors"] += sum(int(x) for x in re.findall(r"\d+", m.group(0)))
    return r


class Sink:
    """postfix's smtp-sink on the load core, its running counters read as they change:
    times[i] is when message i+1 was received. delay makes it wait that many seconds
    before answering DATA (every session on its own); dump writes each message to a file
    in that directory."""

    def __init__(self, port, delay=None, dump=None, watch=None):
        cmd = ["smtp-sink", "-u", "nobody", "-c"]
        if delay:
            cmd += ["-w", str(delay)]
        if dump:
            os.chmod(dump, 0o777)
            cmd += ["-d", os.path.join(dump, "%H%M%S.")]
        self.port = port
        self.times = []
        self.sessions = 0
        self.watch = None		# (pid, [cpu seconds at each of these counts])
        self.cpu_at = {}
        self.cond = threading.Condition()
        self.p = spawn(cmd + [f"127.0.0.1:{port}", "256"], cpu=LOAD_CPU,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        threading.Thread(target=self._read, daemon=True).start()
        wait_until(lambda: healthy_tcp(port), 10, "smtp-sink")

    def watch_cpu(self, pid, counts):
        """Record pid's CPU seconds when the count reaches each of counts."""
        self.watch = (pid, set(counts))

    def _read(self):
        buf = b""
        fd = self.p.stdout.fileno()
        while True:
            b = os.read(fd, 65536)
            if not b:
                return
            now = time.monotonic()
            buf += b
            *recs, buf = re.split(rb"[\r\n]", buf)
            for rec in recs:
                m = re.match(rb"sess=(\d+) quit=\d+ mesg=(\d+)", rec)
                if not m:
                    continue
                n = int(m.group(2))
                with self.cond:
                    self.sessions = int(m.group(1))
                    while len(self.times) < n:
                        self.times.append(now)
                        c = len(self.times)
                        if self.watch and c in self.watch[1]:
                            try:
                                self.cpu_at[c] = cpu_seconds(self.watch[0])
                            except OSError:
                                pass
                    self.cond.notify_all()

    def count(self):
        return len(self.times)

    def wait(self, n, timeout, quiet=None):
        """Until n messages, timeout seconds, or (with quiet) no message for that long."""
        end = time.monotonic() + timeout
        with self.cond:
            while len(self.times) < n:
                left = end - time.monotonic()
                if left <= 0:
                    break
                if quiet and self.times and time.monotonic() - self.times[-1] > quiet:
                    break
                self.cond.wait(min(left, 0.2))
        return len(self.times)

    def rate(self):
        """Messages a second from the first message to the last."""
        t = self.times
        return (len(t) - 1) / (t[-1] - t[0]) if len(t) > 1 and t[-1] > t[0] else float("nan")

    def close(self):
        stop(self.p)


def healthy_tcp(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def sink_message(dump_dir):
    """The bytes of one message smtp-sink dumped, without the lines it prepends."""
    names = sorted(os.listdir(dump_dir))
    if not names:
        return None
    with open(os.path.join(dump_dir, names[len(names) // 2]), "rb") as f:
        lines = f.read().split(b"\n")
    i = 0
    while i < len(lines) and lines[i].startswith(b"X-"):
        i += 1
    if i < len(lines) and lines[i].startswith(b"Received:"):
        i += 1
        while i < len(lines) and lines[i][:1] in (b" ", b"\t"):
            i += 1
    return b"\n".join(x.rstrip(b"\r") for x in lines[i:])


class Notify:
    """A systemd notify socket: the time of READY=1 and of each WATCHDOG=1."""

    def __init__(self, path):
        self.path = path
        self.ready = None
        self.pings = []
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.s.bind(path)
        os.chmod(path, 0o777)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            msg = self.s.recv(4096).decode(errors="replace").split("\n")
            now = time.monotonic()
            if "READY=1" in msg and self.ready is None:
                self.ready = now
            if "WATCHDOG=1" in msg:
                self.pings.append(now)

    def max_gap(self, start, end):
        """The longest time between start, each ping in [start, end], and end."""
        t = [start] + [x for x in self.pings if start <= x <= end] + [end]
        return max(b - a for a, b in zip(t, t[1:]))
