# expect: status=TLE
# opts: --time 1
while True:
    pass
