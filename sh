x
x
x
