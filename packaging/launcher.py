"""Entry point of the frozen bundle: the same as the psoas-timer command."""

from psoas_timer.app import main

if __name__ == "__main__":
    raise SystemExit(main())
