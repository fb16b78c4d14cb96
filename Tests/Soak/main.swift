// The soak driver: see Scripts/soak.sh.
print("opossum-soak: not built yet")
