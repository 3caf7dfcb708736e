#!/usr/bin/env python3
# Generates src/rules/pmfs_text.c from the text of PMFS 2022:1:
#   python3 src/rules/pmfs_text.py ../shared/seeds/002_f803ce1c5be14718.txt src/rules/pmfs_text.c
#   clang-format -i src/rules/pmfs_text.c
import re,sys
lines=open(sys.argv[1],encoding='utf-8').read().split('\n')
ch=0; cur=None; paras={}; order=[]
for raw in lines:
    line=raw.rstrip()
    if line.startswith('Ikraftträdande'): break
    m=re.match(r'^(\d+) kap\. (.+)$',line)
    if m and not line.startswith(' '):
        ch=int(m.group(1)); cur=None; continue
    m=re.match(r'^(\d+) §(.*)$',line)
    if m and ch:
        cur=(ch,int(m.group(1))); paras[cur]=[m.group(2).strip()]; order.append(cur); continue
    if cur is None or not line.strip(): continue
    s=line.strip()
    is_item=line.startswith(' ') or re.match(r'^(\d+\.|•|–|-)\s',s)
    if not is_item and len(s)<90 and not re.search(r'[.:;,]$',s):
        continue  # a heading between paragraphs
    paras[cur].append(s)
counts={}
for c,sn in order: counts[c]=counts.get(c,0)+1
print(counts,file=sys.stderr)
def cstr(t):
    t=t.replace('\\','\\\\').replace('"','\\"').replace('\n','\\n')
    out=[]; 
    while len(t)>90:
        cut=t.rfind(' ',0,90)
        if cut<=0: cut=90
        out.append(t[:cut+1]); t=t[cut+1:]
    out.append(t)
    return '\n'.join('         "%s"'%x for x in out)
o=open(sys.argv[2],'w',encoding='utf-8')
o.write('''/*
 * The text of PMFS 2022:1 (Säkerhetspolisens föreskrifter om säkerhetsskydd),
 * paragraph by paragraph, for the findings' "what the paragraph says".
 * Generated from the regulation's text (shared/seeds/002_f803ce1c5be14718.txt)
 * by a script; headings between paragraphs are left out, "stycken" are
 * separated by newlines. A regulation is not protected by copyright
 * (1 kap. 9 § upphovsrättslagen).
 */
#include <stddef.h>

#include "rules/rules.h"

static const struct {
	int chapter, section;
	const char *text;
} texts[] = {
''')
for k in order:
    t='\n'.join(paras[k])
    o.write('        {%d, %d,\n%s},\n'%(k[0],k[1],cstr(t)))
o.write('''};

const char *rules_paragraph_text(int chapter, int section)
{
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (texts[i].chapter == chapter && texts[i].section == section)
			return texts[i].text;
	}
	return NULL;
}
''')
