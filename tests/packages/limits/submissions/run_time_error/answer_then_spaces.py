# The right answer, then 10 MiB of spaces: past the 8 MiB output limit.
import sys
a, b = map(int, input().split())
sys.stdout.write("%d\n" % (a + b))
sys.stdout.write(" " * (10 << 20))
