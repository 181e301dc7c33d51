# detect_reference.R: R's side of bench/detect_reference.sh.
#   Rscript bench/detect_reference.R SERIES_FILE [H] [LIMIT]
# For each series (missing values dropped, x = 0, 1, ...): strucchange
# breakpoints(y ~ 1, h = H, breaks = min(8, ceiling(n/H) - 2)) with the number
# chosen by BIC; segmented's davies.test(lm(y ~ x), seg.Z = ~x, k = 10); the
# bend of segmented(lm(y ~ x), seg.Z = ~x, npsi = 1).  Prints one line per
# series like bench/detect_dump.c, then the time per series.
suppressMessages({ library(strucchange); library(segmented) })
args <- commandArgs(trailingOnly = TRUE)
h <- if (length(args) >= 2) as.integer(args[2]) else 3L
limit <- if (length(args) >= 3) as.integer(args[3]) else .Machine$integer.max
lines <- readLines(args[1])
lines <- head(lines, limit)
t0 <- proc.time()[["elapsed"]]
for (ln in lines) {
  f <- strsplit(ln, " ")[[1]]
  y <- suppressWarnings(as.numeric(f[-(1:4)]))
  y <- y[!is.na(y)]
  n <- length(y); x <- seq_len(n) - 1
  maxb <- min(8L, ceiling(n / h) - 2L)
  bp <- if (maxb >= 1) breakpoints(y ~ 1, h = h, breaks = maxb)$breakpoints else NA
  d <- if (n >= 4) suppressWarnings(davies.test(lm(y ~ x), seg.Z = ~x, k = 10)) else list(p.value = NaN, statistic = NaN)
  s <- if (n >= 4) tryCatch(suppressWarnings({ capture.output(o <- segmented(lm(y ~ x), seg.Z = ~x, npsi = 1)); o }), error = function(e) NULL) else NULL
  psi <- if (!is.null(s) && !is.null(s$psi)) s$psi[1, "Est."] else NaN
  num <- function(v) if (is.na(v)) "nan" else sprintf("%.17g", v)
  cat(f[1], f[2], n, sprintf(" bp=%s p=%s best=%s psi=%s\n",
      if (all(is.na(bp))) "none" else paste(bp, collapse = ","), num(d$p.value), num(d$statistic), num(psi)), sep = " ")
}
cat(sprintf("# R seconds per series: %.6f (%d series)\n", (proc.time()[["elapsed"]] - t0) / length(lines), length(lines)))
