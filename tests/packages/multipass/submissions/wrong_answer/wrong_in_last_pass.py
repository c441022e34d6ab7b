k, x = map(int, input().split())
print(2 * x if k < 3 else 0)
