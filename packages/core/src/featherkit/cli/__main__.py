from featherkit.cli import main

main()
