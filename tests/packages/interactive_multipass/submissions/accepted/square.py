q = int(input())
print(q * q, flush=True)
