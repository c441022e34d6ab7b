# Closes its output at once, then lingers and exits cleanly.
import os, time
os.close(1)
time.sleep(0.3)
