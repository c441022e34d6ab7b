# Wrong on the first test of subtask1: on_reject: break stops there, and
# secret (breaking by default) judges nothing after it.
n = int(input())
print(n * n + (n == 3))
