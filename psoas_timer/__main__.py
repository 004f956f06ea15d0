from psoas_timer.app import main

raise SystemExit(main())
