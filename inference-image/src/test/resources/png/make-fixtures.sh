#!/bin/sh
# The PNG fixtures of LibdeflatePngTest, written by ImageMagick's encoder (libpng), not by the
# reader under test: rows of all five filters (libpng's adaptive choice gives Sub, Up, Average and
# Paeth; ImageMagick 6.9.11 writes None for any single filter asked with -quality 91-94, whichever
# is asked), the colour types, several IDAT chunks, and layouts the reader leaves to OpenCV
# (interlaced, 16 bits, palette, tRNS). Run from this folder with Debian's imagemagick (6.9.11):
# sh make-fixtures.sh
set -eu
IM=/usr/bin/convert
SRC="-size 61x47 -seed 3 plasma:fractal"
KEEP="-define png:exclude-chunks=date,time"
$IM $SRC $KEEP -depth 8 -define png:color-type=2 -quality 95 rgb-adaptive-filters.png
$IM $SRC $KEEP -depth 8 -define png:color-type=2 -quality 91 rgb-unfiltered.png
$IM -size 160x120 -seed 4 plasma:fractal $KEEP -depth 8 -define png:color-type=2 rgb-several-idat.png
$IM $SRC $KEEP -colorspace Gray -depth 8 -define png:color-type=0 gray.png
$IM $SRC $KEEP -colorspace Gray -depth 8 \( -size 61x47 gradient:white-black \) -alpha off -compose CopyOpacity -composite -define png:color-type=4 gray-alpha.png
$IM $SRC $KEEP -depth 8 \( -size 61x47 gradient:white-black \) -alpha off -compose CopyOpacity -composite -define png:color-type=6 rgba.png
$IM $SRC $KEEP -depth 8 -define png:color-type=2 -interlace PNG interlaced.png
$IM $SRC $KEEP -depth 16 -define png:color-type=2 rgb-16-bit.png
$IM $SRC $KEEP -colors 64 -define png:color-type=3 palette.png
$IM -size 61x47 xc:red -fill blue -draw "rectangle 10,10 40,30" $KEEP -transparent blue -depth 8 -define png:color-type=2 rgb-trns.png
