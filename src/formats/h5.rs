//! HDF5 helpers for what hdf5-metno's typed API cannot say: strings and compound rows
//! whose sizes are known only at run time, and PyTables' null-space attributes. Every
//! raw call runs under `hdf5::sync::sync`, the library's one lock, so these helpers are
//! as thread-safe as the typed API.

// The private `unsafe fn` helpers are thin FFI wrappers, called only from the `sync`
// blocks below; spelling `unsafe {}` inside each would add nothing.
#![allow(unsafe_op_in_unsafe_fn)]

use std::ffi::CString;

use hdf5::{Dataset, Location};
use hdf5_sys::{h5, h5a, h5d, h5i::hid_t, h5p::H5P_DEFAULT, h5s, h5t};

/// What went wrong, in words; the caller adds the file's name.
pub type H5Result<T> = Result<T, String>;

/// Opens the HDF5 file `path` to read, without HDF5's file lock.
///
/// The HDF5 C library opens files without `O_CLOEXEC`, so a child process started by
/// another thread while a file is open inherits its descriptor, and with it the `flock`
/// that HDF5 takes: the file then stays locked until that child exits, and a reader in
/// another process (pandas, h5py) is refused with "unable to lock file". Kinelab never
/// writes a file in place (writes go to a temporary file that is renamed), so the lock
/// guards nothing of ours and is not taken.
pub fn open_file(path: &std::path::Path) -> hdf5::Result<hdf5::File> {
    hdf5::File::with_options()
        .with_fapl(|fapl| fapl.file_locking(false))
        .open(path)
}

/// Creates (truncates) the HDF5 file `path`, without HDF5's file lock (see [`open_file`]).
pub fn create_file(path: &std::path::Path) -> hdf5::Result<hdf5::File> {
    hdf5::File::with_options()
        .with_fapl(|fapl| fapl.file_locking(false))
        .create(path)
}

/// Writes the HDF5 file `path` with `write`, atomically: into a temporary file beside
/// it, closed and fsynced, then renamed over it. On any error the old file stays.
pub fn write_file_atomically(
    path: &std::path::Path,
    write: impl FnOnce(&hdf5::File) -> H5Result<()>,
) -> super::FormatResult<()> {
    crate::util::atomic_file::write_atomically_at(path, |tmp| {
        let file = create_file(tmp).map_err(|e| std::io::Error::other(e.to_string()))?;
        write(&file).map_err(std::io::Error::other)?;
        file.close()
            .map_err(|e| std::io::Error::other(e.to_string()))
    })
    .map(drop)
    .map_err(|e| super::FormatError::io(path, e))
}

/// An HDF5 identifier closed when dropped.
struct Id(hid_t, unsafe extern "C" fn(hid_t) -> h5::herr_t);

impl Drop for Id {
    fn drop(&mut self) {
        if self.0 >= 0 {
            // SAFETY: the id was opened by us and is closed once.
            unsafe { (self.1)(self.0) };
        }
    }
}

fn checked(
    id: hid_t,
    close: unsafe extern "C" fn(hid_t) -> h5::herr_t,
    what: &str,
) -> H5Result<Id> {
    if id < 0 {
        Err(format!("HDF5 could not {what}"))
    } else {
        Ok(Id(id, close))
    }
}

fn status(code: h5::herr_t, what: &str) -> H5Result<()> {
    if code < 0 {
        Err(format!("HDF5 could not {what}"))
    } else {
        Ok(())
    }
}

fn c_name(name: &str) -> H5Result<CString> {
    CString::new(name).map_err(|_| format!("the name '{name}' holds a NUL byte"))
}

/// Splits fixed-size cells into strings, dropping the NUL padding.
fn split_fixed(buf: &[u8], size: usize) -> Vec<String> {
    buf.chunks(size.max(1))
        .map(|cell| {
            let end = cell.iter().position(|&b| b == 0).unwrap_or(cell.len());
            String::from_utf8_lossy(&cell[..end]).into_owned()
        })
        .collect()
}

/// A fixed-length C string type of `size` bytes.
unsafe fn fixed_string_type(size: usize, pad: h5t::H5T_str_t, utf8: bool) -> H5Result<Id> {
    let t = checked(
        h5t::H5Tcopy(*h5t::H5T_C_S1),
        h5t::H5Tclose,
        "copy the string type",
    )?;
    status(h5t::H5Tset_size(t.0, size.max(1)), "size a string type")?;
    status(h5t::H5Tset_strpad(t.0, pad), "pad a string type")?;
    let cset = if utf8 {
        h5t::H5T_cset_t::H5T_CSET_UTF8
    } else {
        h5t::H5T_cset_t::H5T_CSET_ASCII
    };
    status(
        h5t::H5Tset_cset(t.0, cset),
        "set a string type's character set",
    )?;
    Ok(t)
}

/// A variable-length C string type.
/// HDF5 converts strings only within one character set, so memory types copy the
/// file's.
unsafe fn variable_string_type(cset: h5t::H5T_cset_t) -> H5Result<Id> {
    let t = checked(
        h5t::H5Tcopy(*h5t::H5T_C_S1),
        h5t::H5Tclose,
        "copy the string type",
    )?;
    status(
        h5t::H5Tset_size(t.0, h5t::H5T_VARIABLE),
        "size a string type",
    )?;
    status(
        h5t::H5Tset_cset(t.0, cset),
        "set a string type's character set",
    )?;
    Ok(t)
}

/// A memory copy of the fixed-length string type `ftype`, NUL-padded.
unsafe fn same_string_type(ftype: hid_t) -> H5Result<Id> {
    let t = checked(h5t::H5Tcopy(ftype), h5t::H5Tclose, "copy a string type")?;
    status(
        h5t::H5Tset_strpad(t.0, h5t::H5T_str_t::H5T_STR_NULLPAD),
        "pad a string type",
    )?;
    Ok(t)
}

/// Reads `count` strings of file type `ftype` with `read(memtype, buffer)`.
unsafe fn read_strings_with(
    ftype: hid_t,
    count: usize,
    read: impl Fn(hid_t, *mut std::ffi::c_void) -> h5::herr_t,
) -> H5Result<Vec<String>> {
    if h5t::H5Tget_class(ftype) != h5t::H5T_class_t::H5T_STRING {
        return Err("holds numbers where strings were expected".into());
    }
    if h5t::H5Tis_variable_str(ftype) > 0 {
        let memtype = variable_string_type(h5t::H5Tget_cset(ftype))?;
        let mut ptrs: Vec<*mut std::ffi::c_char> = vec![std::ptr::null_mut(); count];
        status(read(memtype.0, ptrs.as_mut_ptr().cast()), "read strings")?;
        let out = ptrs
            .iter()
            .map(|&p| {
                if p.is_null() {
                    String::new()
                } else {
                    let s = std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned();
                    libc::free(p.cast());
                    s
                }
            })
            .collect();
        return Ok(out);
    }
    let size = h5t::H5Tget_size(ftype);
    let memtype = same_string_type(ftype)?;
    let mut buf = vec![0u8; size * count];
    status(read(memtype.0, buf.as_mut_ptr().cast()), "read strings")?;
    Ok(split_fixed(&buf, size))
}

/// The strings of a 1-D string dataset, fixed or variable length.
pub fn read_strings(ds: &Dataset) -> H5Result<Vec<String>> {
    let count = ds.size();
    hdf5::sync::sync(|| unsafe {
        let ftype = checked(
            h5d::H5Dget_type(ds.id()),
            h5t::H5Tclose,
            "get a dataset's type",
        )?;
        read_strings_with(ftype.0, count, |mem, buf| {
            h5d::H5Dread(ds.id(), mem, h5s::H5S_ALL, h5s::H5S_ALL, H5P_DEFAULT, buf)
        })
    })
}

/// Whether `loc` has an attribute `name`.
fn has_attr(loc: &Location, name: &str) -> H5Result<bool> {
    Ok(loc
        .attr_names()
        .map_err(|e| e.to_string())?
        .iter()
        .any(|n| n == name))
}

/// Runs `read` with attribute `name`'s id and stored type, under the library lock;
/// `None` where `loc` has no such attribute.
fn with_attr<T>(
    loc: &Location,
    name: &str,
    read: impl FnOnce(hid_t, hid_t) -> H5Result<T>,
) -> H5Result<Option<T>> {
    if !has_attr(loc, name)? {
        return Ok(None);
    }
    let cname = c_name(name)?;
    hdf5::sync::sync(|| unsafe {
        let attr = checked(
            h5a::H5Aopen(loc.id(), cname.as_ptr(), H5P_DEFAULT),
            h5a::H5Aclose,
            "open an attribute",
        )?;
        let ftype = checked(
            h5a::H5Aget_type(attr.0),
            h5t::H5Tclose,
            "get an attribute's type",
        )?;
        read(attr.0, ftype.0).map(Some)
    })
}

/// A string attribute of `loc`: `None` where it is missing or has no value (PyTables
/// writes empty strings as null-space attributes).
pub fn read_string_attr(loc: &Location, name: &str) -> H5Result<Option<String>> {
    let value = with_attr(loc, name, |attr, ftype| unsafe {
        let space = checked(
            h5a::H5Aget_space(attr),
            h5s::H5Sclose,
            "get an attribute's space",
        )?;
        if h5s::H5Sget_simple_extent_type(space.0) == h5s::H5S_class_t::H5S_NULL {
            return Ok(None);
        }
        let count = usize::try_from(h5s::H5Sget_simple_extent_npoints(space.0)).unwrap_or(0);
        let strings = read_strings_with(ftype, count, |mem, buf| h5a::H5Aread(attr, mem, buf))
            .map_err(|e| format!("attribute '{name}' {e}"))?;
        Ok(strings.into_iter().next())
    })?;
    Ok(value.flatten())
}

/// The raw bytes of a string attribute (pickles hold bytes that need not be UTF-8).
pub fn read_bytes_attr(loc: &Location, name: &str) -> H5Result<Option<Vec<u8>>> {
    with_attr(loc, name, |attr, ftype| unsafe {
        if h5t::H5Tget_class(ftype) != h5t::H5T_class_t::H5T_STRING
            || h5t::H5Tis_variable_str(ftype) > 0
        {
            return Err(format!("attribute '{name}' is not a fixed-length string"));
        }
        let size = h5t::H5Tget_size(ftype);
        let memtype = same_string_type(ftype)?;
        let mut buf = vec![0u8; size];
        status(
            h5a::H5Aread(attr, memtype.0, buf.as_mut_ptr().cast()),
            "read an attribute",
        )?;
        Ok(buf)
    })
}

/// An integer attribute, converted to i64 by HDF5.
pub fn read_int_attr(loc: &Location, name: &str) -> H5Result<Option<i64>> {
    if !has_attr(loc, name)? {
        return Ok(None);
    }
    let attr = loc.attr(name).map_err(|e| e.to_string())?;
    attr.read_scalar::<i64>()
        .map(Some)
        .map_err(|e| format!("attribute '{name}': {e}"))
}

/// A one-byte flag attribute (numpy's bool, stored by PyTables as an 8-bit bitfield).
pub fn read_flag_attr(loc: &Location, name: &str) -> H5Result<Option<bool>> {
    with_attr(loc, name, |attr, ftype| unsafe {
        if h5t::H5Tget_size(ftype) != 1 {
            return Err(format!("attribute '{name}' is not one byte"));
        }
        let mut byte = 0u8;
        status(
            h5a::H5Aread(attr, ftype, (&raw mut byte).cast()),
            "read an attribute",
        )?;
        Ok(byte != 0)
    })
}

/// Creates attribute `name` of type `t` on `loc_id`, scalar or (for PyTables' empty
/// strings) with no value.
unsafe fn create_attr(loc_id: hid_t, name: &str, t: hid_t, has_value: bool) -> H5Result<Id> {
    let cname = c_name(name)?;
    let class = if has_value {
        h5s::H5S_class_t::H5S_SCALAR
    } else {
        h5s::H5S_class_t::H5S_NULL
    };
    let space = checked(h5s::H5Screate(class), h5s::H5Sclose, "make a space")?;
    checked(
        h5a::H5Acreate2(loc_id, cname.as_ptr(), t, space.0, H5P_DEFAULT, H5P_DEFAULT),
        h5a::H5Aclose,
        "create an attribute",
    )
}

/// Writes a scalar fixed-length string attribute, as PyTables writes `str` values (an
/// empty one as a null-space attribute of one byte, as PyTables does).
pub fn write_string_attr(loc_id: hid_t, name: &str, value: &[u8], utf8: bool) -> H5Result<()> {
    hdf5::sync::sync(|| unsafe {
        let t = fixed_string_type(value.len().max(1), h5t::H5T_str_t::H5T_STR_NULLTERM, utf8)?;
        let attr = create_attr(loc_id, name, t.0, !value.is_empty())?;
        if value.is_empty() {
            return Ok(());
        }
        status(
            h5a::H5Awrite(attr.0, t.0, value.as_ptr().cast()),
            "write an attribute",
        )
    })
}

/// Writes a numpy-bool attribute as PyTables does (an 8-bit bitfield).
pub fn write_flag_attr(loc_id: hid_t, name: &str, value: bool) -> H5Result<()> {
    hdf5::sync::sync(|| unsafe {
        let t = *h5t::H5T_NATIVE_B8;
        let attr = create_attr(loc_id, name, t, true)?;
        let byte = u8::from(value);
        status(
            h5a::H5Awrite(attr.0, t, (&raw const byte).cast()),
            "write an attribute",
        )
    })
}

/// Writes a 1-D dataset of fixed-length strings (numpy's `S<n>`), sized to the longest.
pub fn write_strings(loc: &Location, name: &str, values: &[String]) -> H5Result<Dataset> {
    write_strings_shaped(loc, name, values, &[values.len()])
}

/// Writes fixed-length strings as a 2-D dataset of `columns` per row (SLEAP's
/// `edge_names`).
pub fn write_strings_2d(
    loc: &Location,
    name: &str,
    values: &[String],
    columns: usize,
) -> H5Result<Dataset> {
    write_strings_shaped(loc, name, values, &[values.len() / columns.max(1), columns])
}

fn write_strings_shaped(
    loc: &Location,
    name: &str,
    values: &[String],
    shape: &[usize],
) -> H5Result<Dataset> {
    let size = values.iter().map(String::len).max().unwrap_or(1).max(1);
    let mut buf = vec![0u8; size * values.len()];
    for (i, v) in values.iter().enumerate() {
        buf[i * size..i * size + v.len()].copy_from_slice(v.as_bytes());
    }
    hdf5::sync::sync(|| unsafe {
        let t = fixed_string_type(size, h5t::H5T_str_t::H5T_STR_NULLTERM, false)?;
        let dims: Vec<h5::hsize_t> = shape.iter().map(|&d| d as h5::hsize_t).collect();
        let space = checked(
            h5s::H5Screate_simple(dims.len() as i32, dims.as_ptr(), std::ptr::null()),
            h5s::H5Sclose,
            "make a space",
        )?;
        create_dataset(loc, name, t.0, space.0, H5P_DEFAULT, &buf)
    })
}

/// Creates dataset `name` of type `t` and space `space` under `loc` (with creation
/// properties `dcpl`), writes `data` (bytes in `t`'s layout) when there is any, and
/// opens it through hdf5-metno. Call under the library lock.
unsafe fn create_dataset(
    loc: &Location,
    name: &str,
    t: hid_t,
    space: hid_t,
    dcpl: hid_t,
    data: &[u8],
) -> H5Result<Dataset> {
    let cname = c_name(name)?;
    let ds = checked(
        h5d::H5Dcreate2(
            loc.id(),
            cname.as_ptr(),
            t,
            space,
            H5P_DEFAULT,
            dcpl,
            H5P_DEFAULT,
        ),
        h5d::H5Dclose,
        "create a dataset",
    )?;
    if !data.is_empty() {
        status(
            h5d::H5Dwrite(
                ds.0,
                t,
                h5s::H5S_ALL,
                h5s::H5S_ALL,
                H5P_DEFAULT,
                data.as_ptr().cast(),
            ),
            &format!("write the dataset '{name}'"),
        )?;
    }
    drop(ds);
    loc.as_group()
        .and_then(|g| g.dataset(name))
        .map_err(|e| e.to_string())
}

/// Writes a PyTables-style table: a chunked, extendable 1-D compound dataset with an
/// `index` (i64) field and a `values_block_0` field of `ncols` f64 per row.
pub fn write_index_values_table(
    loc: &Location,
    name: &str,
    index: &[i64],
    values: &[f64],
    ncols: usize,
) -> H5Result<Dataset> {
    let rows = index.len();
    if values.len() != rows * ncols {
        return Err(format!(
            "{} values for {rows} rows of {ncols}",
            values.len()
        ));
    }
    let row_size = 8 + 8 * ncols;
    let mut buf = vec![0u8; rows * row_size];
    for r in 0..rows {
        let at = r * row_size;
        buf[at..at + 8].copy_from_slice(&index[r].to_ne_bytes());
        for c in 0..ncols {
            let o = at + 8 + 8 * c;
            buf[o..o + 8].copy_from_slice(&values[r * ncols + c].to_ne_bytes());
        }
    }
    let index_name = c_name("index")?;
    let values_name = c_name("values_block_0")?;
    hdf5::sync::sync(|| unsafe {
        let dims = [ncols.max(1) as h5::hsize_t];
        let block = checked(
            h5t::H5Tarray_create2(*h5t::H5T_NATIVE_DOUBLE, 1, dims.as_ptr()),
            h5t::H5Tclose,
            "make an array type",
        )?;
        let row = checked(
            h5t::H5Tcreate(h5t::H5T_class_t::H5T_COMPOUND, row_size),
            h5t::H5Tclose,
            "make a compound type",
        )?;
        status(
            h5t::H5Tinsert(row.0, index_name.as_ptr(), 0, *h5t::H5T_NATIVE_INT64),
            "build a compound type",
        )?;
        status(
            h5t::H5Tinsert(row.0, values_name.as_ptr(), 8, block.0),
            "build a compound type",
        )?;
        let cur = [rows as h5::hsize_t];
        let max = [h5s::H5S_UNLIMITED];
        let space = checked(
            h5s::H5Screate_simple(1, cur.as_ptr(), max.as_ptr()),
            h5s::H5Sclose,
            "make a space",
        )?;
        let dcpl = checked(
            hdf5_sys::h5p::H5Pcreate(*hdf5_sys::h5p::H5P_CLS_DATASET_CREATE),
            hdf5_sys::h5p::H5Pclose,
            "make a property list",
        )?;
        // PyTables sizes chunks to about 64 KiB.
        let chunk = [((65536 / row_size).max(1)) as h5::hsize_t];
        status(
            hdf5_sys::h5p::H5Pset_chunk(dcpl.0, 1, chunk.as_ptr()),
            "set chunking",
        )?;
        create_dataset(loc, name, row.0, space.0, dcpl.0, &buf)
    })
}

/// One string field of a compound dataset.
pub fn read_compound_strings(ds: &Dataset, field: &str) -> H5Result<Vec<String>> {
    let rows = ds.size();
    let cfield = c_name(field)?;
    hdf5::sync::sync(|| unsafe {
        let ftype = checked(
            h5d::H5Dget_type(ds.id()),
            h5t::H5Tclose,
            "get a dataset's type",
        )?;
        let idx = h5t::H5Tget_member_index(ftype.0, cfield.as_ptr());
        if idx < 0 {
            return Err(format!("the table has no column '{field}'"));
        }
        let member = checked(
            h5t::H5Tget_member_type(ftype.0, idx as u32),
            h5t::H5Tclose,
            "get a member type",
        )?;
        let size = h5t::H5Tget_size(member.0);
        let elem = same_string_type(member.0)?;
        let mem = checked(
            h5t::H5Tcreate(h5t::H5T_class_t::H5T_COMPOUND, size),
            h5t::H5Tclose,
            "make a compound type",
        )?;
        status(
            h5t::H5Tinsert(mem.0, cfield.as_ptr(), 0, elem.0),
            "build a compound type",
        )?;
        let mut buf = vec![0u8; size * rows];
        status(
            h5d::H5Dread(
                ds.id(),
                mem.0,
                h5s::H5S_ALL,
                h5s::H5S_ALL,
                H5P_DEFAULT,
                buf.as_mut_ptr().cast(),
            ),
            &format!("read the table column '{field}'"),
        )?;
        Ok(split_fixed(&buf, size))
    })
}

/// The fast path for pandas' frame-numbered tables (an int64 `index` then one float64
/// value block, as DeepLabCut's prediction files are): HDF5 reads the rows straight
/// into one f64 buffer, which is then compacted in place. `None` where the table is
/// laid out otherwise.
pub fn read_frame_table(ds: &Dataset) -> H5Result<Option<(Vec<i64>, Vec<f64>)>> {
    let rows = ds.size();
    hdf5::sync::sync(|| unsafe {
        let ftype = checked(
            h5d::H5Dget_type(ds.id()),
            h5t::H5Tclose,
            "get a dataset's type",
        )?;
        if h5t::H5Tget_class(ftype.0) != h5t::H5T_class_t::H5T_COMPOUND
            || h5t::H5Tget_nmembers(ftype.0) != 2
        {
            return Ok(None);
        }
        let native = checked(
            h5t::H5Tget_native_type(ftype.0, h5t::H5T_direction_t::H5T_DIR_ASCEND),
            h5t::H5Tclose,
            "get a native type",
        )?;
        let index = checked(
            h5t::H5Tget_member_type(native.0, 0),
            h5t::H5Tclose,
            "get a member type",
        )?;
        let block = checked(
            h5t::H5Tget_member_type(native.0, 1),
            h5t::H5Tclose,
            "get a member type",
        )?;
        let index_ok = h5t::H5Tget_class(index.0) == h5t::H5T_class_t::H5T_INTEGER
            && h5t::H5Tget_size(index.0) == 8
            && h5t::H5Tget_sign(index.0) == h5t::H5T_sign_t::H5T_SGN_2
            && h5t::H5Tget_member_offset(native.0, 0) == 0;
        if !index_ok || h5t::H5Tget_class(block.0) != h5t::H5T_class_t::H5T_ARRAY {
            return Ok(None);
        }
        let base = checked(
            h5t::H5Tget_super(block.0),
            h5t::H5Tclose,
            "get an array's type",
        )?;
        let n = h5t::H5Tget_size(block.0) / 8;
        let block_ok = h5t::H5Tget_class(base.0) == h5t::H5T_class_t::H5T_FLOAT
            && h5t::H5Tget_size(base.0) == 8
            && h5t::H5Tget_member_offset(native.0, 1) == 8
            && h5t::H5Tget_size(native.0) == 8 * (n + 1);
        if !block_ok {
            return Ok(None);
        }
        let mut buf = vec![0f64; rows * (n + 1)];
        if rows > 0 {
            status(
                h5d::H5Dread(
                    ds.id(),
                    native.0,
                    h5s::H5S_ALL,
                    h5s::H5S_ALL,
                    H5P_DEFAULT,
                    buf.as_mut_ptr().cast(),
                ),
                "read a table",
            )?;
        }
        let frames: Vec<i64> = (0..rows)
            .map(|r| buf[r * (n + 1)].to_bits() as i64)
            .collect();
        for r in 0..rows {
            let from = r * (n + 1) + 1;
            buf.copy_within(from..from + n, r * n);
        }
        buf.truncate(rows * n);
        Ok(Some((frames, buf)))
    })
}

/// A compound dataset read whole, in native layout, for fields of any type (numpy's
/// bool is an HDF5 enum, which HDF5 will not convert to a number).
pub struct RawTable {
    pub rows: usize,
    row_size: usize,
    bytes: Vec<u8>,
    fields: Vec<RawField>,
}

struct RawField {
    name: String,
    offset: usize,
    /// Bytes of one element.
    size: usize,
    /// Elements per row (more than 1 for an array member, such as pandas' value
    /// blocks).
    count: usize,
    class: h5t::H5T_class_t,
    signed: bool,
}

impl RawTable {
    /// Reads `ds` whole.
    pub fn read(ds: &Dataset) -> H5Result<Self> {
        let rows = ds.size();
        hdf5::sync::sync(|| unsafe {
            let ftype = checked(
                h5d::H5Dget_type(ds.id()),
                h5t::H5Tclose,
                "get a dataset's type",
            )?;
            if h5t::H5Tget_class(ftype.0) != h5t::H5T_class_t::H5T_COMPOUND {
                return Err("is not a table".into());
            }
            let native = checked(
                h5t::H5Tget_native_type(ftype.0, h5t::H5T_direction_t::H5T_DIR_ASCEND),
                h5t::H5Tclose,
                "get a native type",
            )?;
            let row_size = h5t::H5Tget_size(native.0);
            let n = h5t::H5Tget_nmembers(native.0).max(0) as u32;
            let mut fields = Vec::new();
            for i in 0..n {
                let name_ptr = h5t::H5Tget_member_name(native.0, i);
                if name_ptr.is_null() {
                    return Err("a table column has no name".into());
                }
                let name = std::ffi::CStr::from_ptr(name_ptr)
                    .to_string_lossy()
                    .into_owned();
                h5::H5free_memory(name_ptr.cast());
                let member = checked(
                    h5t::H5Tget_member_type(native.0, i),
                    h5t::H5Tclose,
                    "get a member type",
                )?;
                let mut class = h5t::H5Tget_class(member.0);
                let mut signed = false;
                let mut size = h5t::H5Tget_size(member.0);
                let mut count = 1;
                if class == h5t::H5T_class_t::H5T_ARRAY {
                    let base = checked(
                        h5t::H5Tget_super(member.0),
                        h5t::H5Tclose,
                        "get an array's type",
                    )?;
                    class = h5t::H5Tget_class(base.0);
                    signed = class == h5t::H5T_class_t::H5T_INTEGER
                        && h5t::H5Tget_sign(base.0) == h5t::H5T_sign_t::H5T_SGN_2;
                    count = size / h5t::H5Tget_size(base.0).max(1);
                    size = h5t::H5Tget_size(base.0);
                } else if class == h5t::H5T_class_t::H5T_ENUM {
                    let base = checked(
                        h5t::H5Tget_super(member.0),
                        h5t::H5Tclose,
                        "get an enum's type",
                    )?;
                    signed = h5t::H5Tget_sign(base.0) == h5t::H5T_sign_t::H5T_SGN_2;
                    class = h5t::H5T_class_t::H5T_INTEGER;
                } else if class == h5t::H5T_class_t::H5T_INTEGER {
                    signed = h5t::H5Tget_sign(member.0) == h5t::H5T_sign_t::H5T_SGN_2;
                }
                fields.push(RawField {
                    name,
                    offset: h5t::H5Tget_member_offset(native.0, i),
                    size,
                    count,
                    class,
                    signed,
                });
            }
            let mut bytes = vec![0u8; row_size * rows];
            if rows > 0 {
                status(
                    h5d::H5Dread(
                        ds.id(),
                        native.0,
                        h5s::H5S_ALL,
                        h5s::H5S_ALL,
                        H5P_DEFAULT,
                        bytes.as_mut_ptr().cast(),
                    ),
                    "read a table",
                )?;
            }
            Ok(Self {
                rows,
                row_size,
                bytes,
                fields,
            })
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    /// Field `name` of every row as f64 (integers and bools converted); an array
    /// member gives its elements row after row.
    pub fn column(&self, name: &str) -> H5Result<Vec<f64>> {
        let f = self
            .fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| format!("the table has no column '{name}'"))?;
        let mut out = Vec::with_capacity(self.rows * f.count);
        if f.class == h5t::H5T_class_t::H5T_FLOAT && f.size == 8 {
            // The usual case (pandas' float64 blocks): straight copies, no dispatch.
            for r in 0..self.rows {
                let at = r * self.row_size + f.offset;
                out.extend(
                    self.bytes[at..at + 8 * f.count]
                        .chunks_exact(8)
                        .map(|b| f64::from_ne_bytes(b.try_into().unwrap_or_default())),
                );
            }
            return Ok(out);
        }
        for r in 0..self.rows {
            for e in 0..f.count {
                let at = r * self.row_size + f.offset + e * f.size;
                out.push(
                    element(&self.bytes[at..at + f.size], f.class, f.signed)
                        .ok_or_else(|| format!("the column '{name}' is not a number"))?,
                );
            }
        }
        Ok(out)
    }

    /// Names, numeric classes and widths of the fields.
    pub fn fields(&self) -> impl Iterator<Item = (&str, h5t::H5T_class_t, usize)> {
        self.fields
            .iter()
            .map(|f| (f.name.as_str(), f.class, f.count))
    }
}

/// One stored number as f64.
fn element(b: &[u8], class: h5t::H5T_class_t, signed: bool) -> Option<f64> {
    let bytes8 = || -> [u8; 8] { b.try_into().unwrap_or_default() };
    Some(match (class, b.len(), signed) {
        (h5t::H5T_class_t::H5T_FLOAT, 8, _) => f64::from_ne_bytes(bytes8()),
        (h5t::H5T_class_t::H5T_FLOAT, 4, _) => {
            f64::from(f32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        }
        (h5t::H5T_class_t::H5T_INTEGER, 1, true) => f64::from(b[0] as i8),
        (h5t::H5T_class_t::H5T_INTEGER, 1, false) => f64::from(b[0]),
        (h5t::H5T_class_t::H5T_INTEGER, 2, true) => f64::from(i16::from_ne_bytes([b[0], b[1]])),
        (h5t::H5T_class_t::H5T_INTEGER, 2, false) => f64::from(u16::from_ne_bytes([b[0], b[1]])),
        (h5t::H5T_class_t::H5T_INTEGER, 4, true) => {
            f64::from(i32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        }
        (h5t::H5T_class_t::H5T_INTEGER, 4, false) => {
            f64::from(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        }
        (h5t::H5T_class_t::H5T_INTEGER, 8, true) => i64::from_ne_bytes(bytes8()) as f64,
        (h5t::H5T_class_t::H5T_INTEGER, 8, false) => u64::from_ne_bytes(bytes8()) as f64,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_through_fixed_and_attr() {
        let dir = tempfile::tempdir().unwrap();
        let file = create_file(&dir.path().join("t.h5")).unwrap();
        let values = vec!["snout".to_string(), "".into(), "tail base é".into()];
        let ds = write_strings(&file, "names", &values).unwrap();
        assert_eq!(read_strings(&ds).unwrap(), values);
        write_string_attr(ds.id(), "kind", b"string", false).unwrap();
        write_string_attr(ds.id(), "TITLE", b"", false).unwrap();
        assert_eq!(
            read_string_attr(&ds, "kind").unwrap().as_deref(),
            Some("string")
        );
        assert_eq!(read_string_attr(&ds, "TITLE").unwrap(), None);
        assert_eq!(read_string_attr(&ds, "missing").unwrap(), None);
        assert_eq!(read_bytes_attr(&ds, "kind").unwrap().unwrap(), b"string");
    }
}
