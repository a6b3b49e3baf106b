# make-data.awk: writes the two "measured" files of this example from known parameters plus
# Gaussian noise (a fixed-seed generator, so the files are reproducible):
#   ltp-ltd.csv  seed 002 law, Gmin 1 uS, Gmax 4 uS, Pmax 50, NL 2.5 (LTP) and 4 (LTD),
#                write noise 0.03 uS; pulse number P, G_LTP and G_LTD (after P depression
#                pulses from the top), in uS.
#   ppf.csv      1 + 0.40 exp(-dt/12 ms) + 0.15 exp(-dt/180 ms), noise 0.01, dt in s.
# Usage: awk -f make-data.awk   (writes both files in the current directory)
function gauss(   u, v) { u = rand(); v = rand(); return sqrt(-2 * log(1 - u)) * cos(6.283185307179586 * v) }
function law(p, nu) { return (1 - exp(-nu * p / 50)) / (1 - exp(-nu)) }
BEGIN {
    srand(2024)
    f = "ltp-ltd.csv"
    print "# LTP/LTD of a synaptic transistor, 50 potentiating then 50 depressing pulses" > f
    print "P,G_LTP (uS),G_LTD (uS)" > f
    for (p = 0; p <= 50; p++)
        printf "%d,%.4f,%.4f\n", p, 1 + 3 * law(p, 2.5) + 0.03 * gauss(), 4 - 3 * law(p, 4) + 0.03 * gauss() > f
    close(f)
    f = "ppf.csv"
    print "interval (s),A2/A1" > f
    for (k = 0; k < 20; k++) {
        dt = 0.002 * exp(k / 19 * log(1000))   # 2 ms ... 2 s
        printf "%.5g,%.4f\n", dt, 1 + 0.40 * exp(-dt / 0.012) + 0.15 * exp(-dt / 0.18) + 0.01 * gauss() > f
    }
    close(f)
}
