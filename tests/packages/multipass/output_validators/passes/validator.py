# Multi-pass output validator: pass k gets "k x" and must answer 2x. The
# pass number comes from the feedback directory, kept across passes.
import os, sys

feedback = sys.argv[3]
state = os.path.join(feedback, "state")
passes = int(open(sys.argv[2]).read().split()[1])
if os.path.exists(state):
    k, x = map(int, open(state).read().split())
else:
    k, x = map(int, open(sys.argv[1]).read().split())

def verdict(ok, msg):
    with open(os.path.join(feedback, "judgemessage.txt"), "a") as f:
        f.write(msg + "\n")
    sys.exit(42 if ok else 43)

got = sys.stdin.read().split()
if got != [str(2 * x)]:
    verdict(False, "pass %d: expected %d, got %r" % (k, 2 * x, " ".join(got)[:50]))
if k < passes:
    with open(state, "w") as f:
        f.write("%d %d" % (k + 1, x + 1))
    with open(os.path.join(feedback, "nextpass.in"), "w") as f:
        f.write("%d %d\n" % (k + 1, x + 1))
verdict(True, "pass %d: ok" % k)
