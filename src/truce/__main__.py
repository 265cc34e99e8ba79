from truce.cli import main

# Guarded: the parser pool's worker processes import this module again (as `__mp_main__`).
if __name__ == "__main__":
    main()
