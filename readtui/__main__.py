from readtui.cli import main

main()
