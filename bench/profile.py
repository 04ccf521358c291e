"""Folds `perf script -F ip,sym,dso` output and prints where the CPU went: by binary, by the request pipeline's
landmarks (inclusive: the frame and everything it called; each middleware includes the ones after it) and by the
frames that burn it themselves. Used by bench/profile.sh."""
import collections
import re
import sys

LANDMARKS = [  # (label, a substring of the frame's symbol), outermost first
    ("Kestrel: request loop", "HttpProtocol__ProcessRequests_d"),
    ("routing (UseRouting)", "EndpointRoutingMiddleware__Invoke"),
    ("RequestLogging (+ all below)", "RequestLogging__InvokeAsync_d"),
    ("  log lines (the access line, mostly)", "JsonLinesLoggerProvider_Logger__Log"),
    ("ExceptionHandler (+ all below)", "ExceptionHandlerMiddlewareImpl__Invoke"),
    ("UseBearerTokens (+ all below)", "UseBearerTokens_b__0_d"),
    ("  Authenticator", "Authenticator__AuthenticateAsync_d"),
    ("UseAuthorization (+ all below)", "AuthorizationMiddleware__Invoke_d"),
    ("UseRateLimiter (+ all below)", "RateLimitingMiddleware__Invoke"),
    ("the endpoint", "EndpointMiddleware__Invoke"),
    ("  IdempotencyFilter", "IdempotencyFilter_1__InvokeAsync_d"),
    ("  SQLite reads and writes (Sql.RunAsync)", "Sql__RunAsync_d"),
    ("  the writer's batch commit", "SqliteDatabase__CommitBatchAsync_d"),
    ("  JSON response", "WriteAsJsonAsync"),
]


def stacks(lines):
    frames = []
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            if frames:
                yield frames
            frames = []
        elif line[:1] in " \t":
            parts = line.split(None, 1)
            rest = parts[1] if len(parts) > 1 else ""
            m = re.match(r"(.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$", rest)
            sym, dso = (m.group(1), m.group(2)) if m else (rest, "?")
            frames.append((sym, dso.rsplit("/", 1)[-1]))
    if frames:
        yield frames


def main():
    total = 0
    by_dso, by_self, by_landmark = collections.Counter(), collections.Counter(), collections.Counter()
    for frames in stacks(sys.stdin):  # frames[0] is the leaf
        total += 1
        by_dso[frames[0][1]] += 1
        by_self[frames[0][0]] += 1
        # Native AOT folds identical code: one AsyncMethodBuilderCore.Start<T> (or state machine box) body serves many
        # T, and perf names it after any of them — such frames would count a route's other steps under a landmark.
        own = [sym for sym, _ in frames if "AsyncMethodBuilderCore__Start<" not in sym and "AsyncStateMachineBox" not in sym]
        for label, pattern in LANDMARKS:
            if any(pattern in sym for sym in own):
                by_landmark[label] += 1
    if not total:
        sys.exit("profile.py: no samples")

    def pct(n):
        return f"{100 * n / total:5.1f} %"

    print(f"{total} samples\n\nby binary:")
    for dso, n in by_dso.most_common(8):
        print(f"  {pct(n)}  {dso}")
    print("\nthe pipeline, inclusive (a line minus the next is that step's own cost):")
    for label, _ in LANDMARKS:
        print(f"  {pct(by_landmark[label])}  {label}")
    print("\nself (the frames that burn the CPU):")
    for sym, n in by_self.most_common(int(sys.argv[1]) if len(sys.argv) > 1 else 25):
        print(f"  {pct(n)}  {sym[:150]}")


main()
