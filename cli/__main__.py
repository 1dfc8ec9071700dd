from affiche.cli.commands import main

raise SystemExit(main())
