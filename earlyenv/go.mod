module earlyenv.wsworkbench.local

go 1.24
