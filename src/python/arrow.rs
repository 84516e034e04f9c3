//! Arrow input through the Arrow PyCapsule interface: any object with `__arrow_c_stream__`
//! (pyarrow Array and ChunkedArray, pandas Series, polars Series, nanoarrow, ...) or
//! `__arrow_c_array__` becomes an [`ImportedStrings`], whose documents are views of the Arrow
//! buffers, read without the interpreter lock.

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple, PyType};

use crate::arrow::column::ImportedStrings;
use crate::arrow::ffi::{ArrowArray, ArrowArrayStream, ArrowSchema};
use crate::error::Error;

/// The documents of `obj` if it exports Arrow data, `None` if it does not (no
/// `__arrow_c_stream__` nor `__arrow_c_array__`), an error if it exports something other than one
/// column of strings or binaries (a table, numbers, ...) or exports it wrongly.
///
/// A stream (preferred: it is what chunked arrays, pandas and polars give) is read to its end
/// here, with the interpreter lock held, as its callbacks may need it; what is returned is
/// `Send + Sync` and its views can be read in `py.detach`.
pub(crate) fn arrow_strings(obj: &Bound<'_, PyAny>) -> PyResult<Option<ImportedStrings>> {
    let py = obj.py();
    // A class (pyarrow.Array itself) has the methods but exports nothing.
    if obj.is_instance_of::<PyType>() {
        return Ok(None);
    }
    let imported = if obj.hasattr(intern!(py, "__arrow_c_stream__"))? {
        let capsule = obj.call_method0(intern!(py, "__arrow_c_stream__"))?;
        let capsule = as_capsule(&capsule, "__arrow_c_stream__")?;
        let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?;
        // SAFETY: a capsule named "arrow_array_stream" holds an ArrowArrayStream, which is moved
        // out (and the capsule's copy marked released, so its destructor does nothing) before
        // any other Python code runs.
        let stream = unsafe { ArrowArrayStream::take(pointer.as_ptr().cast()) };
        // SAFETY: the PyCapsule interface's producer vouches for the stream and its arrays.
        unsafe { ImportedStrings::from_stream(stream) }
    } else if obj.hasattr(intern!(py, "__arrow_c_array__"))? {
        let pair = obj.call_method0(intern!(py, "__arrow_c_array__"))?;
        let pair = pair
            .cast::<PyTuple>()
            .ok()
            .filter(|t| t.len() == 2)
            .ok_or_else(|| {
                PyTypeError::new_err(
                    "__arrow_c_array__() should return a tuple of two PyCapsules (schema, array)",
                )
            })?;
        let schema_capsule = pair.get_item(0)?;
        let array_capsule = pair.get_item(1)?;
        let schema_capsule = as_capsule(&schema_capsule, "__arrow_c_array__")?;
        let array_capsule = as_capsule(&array_capsule, "__arrow_c_array__")?;
        // Both names are checked before either struct is moved out.
        let schema_pointer = schema_capsule.pointer_checked(Some(c"arrow_schema"))?;
        let array_pointer = array_capsule.pointer_checked(Some(c"arrow_array"))?;
        // SAFETY: as for the stream, with capsules named "arrow_schema" and "arrow_array".
        let (schema, array) = unsafe {
            (
                ArrowSchema::take(schema_pointer.as_ptr().cast()),
                ArrowArray::take(array_pointer.as_ptr().cast()),
            )
        };
        // SAFETY: the producer vouches for the schema and the array.
        unsafe { ImportedStrings::from_array(schema, array) }
    } else {
        return Ok(None);
    };
    Ok(Some(imported.map_err(Error::Arrow)?))
}

fn as_capsule<'a, 'py>(
    value: &'a Bound<'py, PyAny>,
    method: &str,
) -> PyResult<&'a Bound<'py, PyCapsule>> {
    value.cast::<PyCapsule>().map_err(|_| {
        PyTypeError::new_err(format!(
            "{method}() should return a PyCapsule, got {}",
            value
                .get_type()
                .name()
                .map_or_else(|_| "an object".to_owned(), |n| n.to_string())
        ))
    })
}
