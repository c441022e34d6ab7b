# expect: status=MLE
# opts: --memory 64 --time 5 --wall 10
chunks = []
while True:
    chunks.append(bytearray(1 << 20))
