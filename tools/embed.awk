# Turns a text file into a C string literal, line by line (build step):
# awk -v name=NAME -f tools/embed.awk FILE
BEGIN { print "/* generated: do not edit */"; printf "static const char %s[] =\n", name }
{
	gsub(/\\/, "&&"); gsub(/"/, "\\\"")
	printf "    \"%s\\n\"\n", $0
}
END { print "    ;" }
