import os, shutil, sys
SRC='/work/shared/datasets/basicmotions'
TR='BasicMotions_TRAIN.ts'; TE='BasicMotions_TEST.ts'
def read(f): return open(f'{SRC}/{f}','rb').read()
def case(name, fname, content):
    d=f'/tmp/review-data/{name}/basicmotions'
    if os.path.exists(f'/tmp/review-data/{name}'): shutil.rmtree(f'/tmp/review-data/{name}')
    os.makedirs(d)
    for f in os.listdir(SRC): shutil.copy(f'{SRC}/{f}', f'{d}/{f}')
    if content is not None: open(f'{d}/{fname}','wb').write(content)
tr=read(TR); lines=tr.split(b'\n')
di=lines.index(b'@data')
def setline(i, fn):
    ls=list(lines); ls[di+1+i]=fn(ls[di+1+i]); return b'\n'.join(ls)
def hdr(old,new): return tr.replace(old,new,1)
def val(i, ch, step, v):
    def f(l):
        parts=l.split(b':'); vals=parts[ch].split(b','); vals[step]=v; parts[ch]=b','.join(vals); return b':'.join(parts)
    return setline(i,f)
cases = {
 'u_zero': (TR, b''),
 'u_half': (TR, tr[:len(tr)//2]),
 'u_minus1': (TR, tr[:-1]),
 'u_minus2': (TR, tr[:-2]),
 'u_only_header': (TR, tr[:tr.index(b'@data')+6]),
 'u_drop_last_line': (TR, b'\n'.join(lines[:-2])+b'\n'),
 'u_nan': (TR, val(0,1,5,b'NaN')),
 'u_inf': (TR, val(0,1,5,b'inf')),
 'u_1e39': (TR, val(0,1,5,b'1e39')),
 'u_3e38': (TR, val(0,1,5,b'3e38')),
 'u_text': (TR, val(0,1,5,b'abc')),
 'u_empty_val': (TR, val(0,1,5,b'')),
 'u_short_channel': (TR, setline(0, lambda l: l.replace(b',',b':',0))),
 'u_ragged': (TR, val(0,1,5,b'1,2')),
 'u_5_channels': (TR, setline(0, lambda l: b':'.join(l.split(b':')[1:]))),
 'u_no_colon_line': (TR, setline(0, lambda l: l.split(b':')[0])),
 'u_dims_huge': (TR, hdr(b'@dimensions 6', b'@dimensions 9223372036854775807')),
 'u_len_huge': (TR, hdr(b'@seriesLength 100', b'@seriesLength 1000000000')),
 'u_dims_3': (TR, hdr(b'@dimensions 6', b'@dimensions 3')),
 'u_len_50': (TR, hdr(b'@seriesLength 100', b'@seriesLength 50')),
 'u_dims_0': (TR, hdr(b'@dimensions 6', b'@dimensions 0')),
 'u_nolen_nocolon': (TR, b'\n'.join(l for l in lines if not l.startswith(b'@seriesLength')).replace(b'@data\n', b'@data\n1,2,3\n',1)),
 'u_label_unknown': (TR, setline(0, lambda l: l.rsplit(b':',1)[0]+b':Jumping')),
 'u_label_empty': (TR, setline(0, lambda l: l.rsplit(b':',1)[0]+b':')),
 'u_extra_class': (TR, hdr(b'@classLabel true Standing Running Walking Badminton', b'@classLabel true Standing Running Walking Badminton Jumping')),
 'u_fewer_classes_decl': (TR, hdr(b'@classLabel true Standing Running Walking Badminton', b'@classLabel true Standing Running Walking')),
 'u_nolabel_decl': (TR, b'\n'.join(l for l in lines if not l.startswith(b'@classLabel'))),
 'u_test_extra_class': (TE, read(TE).replace(b'@classLabel true Standing Running Walking Badminton', b'@classLabel true Standing Running Walking Badminton Jumping',1)),
 'u_test_nolabel_decl_new': (TE, read(TE).replace(b'Standing\n', b'Jumping\n',1)),
 'u_no_standing': (TR, b'\n'.join(l for l in lines if not l.endswith(b':Standing'))),
 'u_nonutf8_label': (TR, setline(0, lambda l: l+b'\xff')),
 'u_nonutf8_header': (TR, tr.replace(b'@problemName BasicMotions', b'@problemName Basic\xffMotions',1)),
 'u_nonutf8_comment': (TR, tr.replace(b'#The data', b'#The \xff data',1)),
 'u_data_missing': (TR, tr.replace(b'@data\n', b'',1)),
 'u_crlf': (TR, tr.replace(b'\n', b'\r\n')),
 'u_nul': (TR, tr[:5000]+b'\0'*50+tr[5000:]),
 'u_test_len_50_all': (TE, b'\n'.join((l if not (l and l[0:1] not in b'#@') else b':'.join(b','.join(p.split(b',')[:50]) for p in l.split(b':')[:-1])+b':'+l.split(b':')[-1]) for l in read(TE).replace(b'@seriesLength 100',b'@seriesLength 50').split(b'\n'))),
 'u_train_len_50_all': (TR, b'\n'.join((l if not (l and l[0:1] not in b'#@') else b':'.join(b','.join(p.split(b',')[:50]) for p in l.split(b':')[:-1])+b':'+l.split(b':')[-1]) for l in tr.replace(b'@seriesLength 100',b'@seriesLength 50').split(b'\n'))),
 'u_train_3ch_all': (TR, b'\n'.join((l if not (l and l[0:1] not in b'#@') else b':'.join(l.split(b':')[3:])) for l in tr.replace(b'@dimensions 6',b'@dimensions 3').split(b'\n'))),
 'u_missing_test': (TE, None),
}
sel=sys.argv[1:] or list(cases)
for k in sel:
    f,c=cases[k]; case(k,f,c)
    if c is None: os.remove(f'/tmp/review-data/{k}/basicmotions/{f}')
