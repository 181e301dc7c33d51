# detect_reference.R
#   Reference values for krimp's change-point detectors (extension/core/detect.c),
#   computed with R's segmented (davies.test) and strucchange (breakpoints).
#   test/unit/test_detect.c hard-codes what this script prints; the output is
#   kept in test/reference/detect_reference.out.
#
#   Rscript test/reference/detect_reference.R
#
#   Davies:      segmented::davies.test(lm(y ~ x), seg.Z = ~x, k = 10), two-sided
#                (Student's t version for n <= 300, the Wald/normal one above).
#   Breakpoints: strucchange::breakpoints(y ~ 1, h = 3), number chosen by BIC;
#                printed as R's breakpoints (last value of the old segment, 1-based).
suppressMessages({ library(segmented); library(strucchange) })

f17 <- function(v) sprintf("%.17g", v)
davies <- function(name, y, x = seq_along(y) - 1) {
  d <- davies.test(lm(y ~ x), seg.Z = ~x, k = 10)
  cat(sprintf("davies %-10s n=%d p=%s best=%s\n", name, length(y), f17(d$p.value), f17(d$statistic)))
}
bps <- function(name, y, h = 3) {
  bp <- breakpoints(y ~ 1, h = h)$breakpoints
  cat(sprintf("breakpoints %-10s n=%d h=%d: %s\n", name, length(y), h,
              if (all(is.na(bp))) "none" else paste(bp, collapse = " ")))
}

# Delfzijl (GM0010), population on 1 January 2002-2020 (CBS 37230ned)
delfzijl <- c(29018, 28972, 28809, 28446, 27989, 27653, 27314, 26744, 26635, 26567, 26305,
              26025, 25698, 25409, 25068, 24965, 24863, 24716, 24678)
# deterministic "noise": no random number generator involved
wiggle <- function(n) round(sin((1:n) * 2.3) * 3 + cos((1:n) * 0.7) * 2, 3)
bent <- c(1:8, 7:2) * 10 + wiggle(14)
flat <- wiggle(20)
short <- c(3, 5, 4, 6, 9, 12, 15, 17)
large <- 1e12 + c(0:9, 8:0) * 1000 + wiggle(19) * 100
long <- (1:320) * 0.1 + pmax((1:320) - 200, 0) * 0.05 + wiggle(320)
davies("delfzijl", delfzijl)
davies("bent", bent)
davies("flat", flat)
davies("short", short)
davies("large", large)
davies("long", long)
step <- c(rep(10, 8), rep(20, 7)) + wiggle(15)
steps2 <- c(rep(0, 6), rep(8, 6), rep(3, 6)) + wiggle(18)
bps("step", step)
bps("steps2", steps2)
bps("flat", flat)
bps("delfzijl", delfzijl)
cat("wiggle20:", paste(f17(wiggle(20)), collapse = ","), "\n")
cat(R.version.string, "; segmented", format(packageVersion("segmented")),
    "; strucchange", format(packageVersion("strucchange")), "\n")
