from showtrack.cli import main

main()
