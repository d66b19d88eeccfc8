from showtrack.launch import main

main()
