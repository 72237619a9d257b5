# Turns data/nss-errors.tsv into the C table of src/lib/nss.c (build step).
BEGIN { FS = "\t"; print "/* generated from data/nss-errors.tsv: do not edit */" }
NR == 1 { next }
{
	d = $3; gsub(/\\/, "\\\\", d); gsub(/"/, "\\\"", d)
	printf "\t{ %d, \"%s\", \"%s\" },\n", $1, $2, d
}
