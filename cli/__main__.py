from affiche.cli import main

raise SystemExit(main())
