# Guesses once and leaves: the validator's reply finds nobody (SIGPIPE).
print(500, flush=True)
